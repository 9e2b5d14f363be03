// CoreDNS with only the plugins the tests' cluster DNS uses (the kubernetes
// plugin answering cluster.local from the API, plus health/ready/cache): the
// stock build's cloud back ends (Route 53, Azure, Cloud DNS, ...) double its
// build time and size for nothing here. The registration order of the plugins
// comes from CoreDNS itself (core/dnsserver/zdirectives.go), not from here.
package main

import (
	"github.com/coredns/coredns/coremain"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() {
	coremain.Run()
}
