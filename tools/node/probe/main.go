// probe is the node tests' workload, the only file of its image:
//
//	probe serve <port>   HTTP on <port>: every request gets "probe <hostname>"
//	probe get <url>      prints the body of <url>; exits 1 on any failure
//	probe lookup <name>  prints the addresses <name> resolves to (pure-Go
//	                     resolver: /etc/resolv.conf as the kubelet wrote it)
//	probe api <path>     GETs <path> from the API server as the Pod's
//	                     ServiceAccount (its token, kube-root-ca.crt, the
//	                     `kubernetes` Service by name) and prints the body
//
// It stops at once on SIGTERM (a Pod's deletion does not wait its grace period).
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fail("usage: probe serve <port> | get <url> | lookup <name> | api <path>")
	}
	arg := os.Args[2]
	switch os.Args[1] {
	case "serve":
		serve(arg)
	case "get":
		get(arg)
	case "lookup":
		lookup(arg)
	case "api":
		api(arg)
	default:
		fail("unknown command " + os.Args[1])
	}
}

func serve(port string) {
	host, _ := os.Hostname()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		os.Exit(0)
	}()
	fmt.Printf("probe %s serving on :%s\n", host, port)
	err := http.ListenAndServe(":"+port, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "probe %s\n", host)
	}))
	fail(err.Error())
}

func get(url string) {
	client := http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(url)
	if err != nil {
		fail(err.Error())
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		fail(fmt.Sprintf("%s: %d %v", url, res.StatusCode, err))
	}
	os.Stdout.Write(body)
}

func lookup(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, name)
	if err != nil {
		fail(err.Error())
	}
	fmt.Println(strings.Join(addrs, " "))
}

const serviceAccount = "/var/run/secrets/kubernetes.io/serviceaccount"

func api(path string) {
	token, err := os.ReadFile(serviceAccount + "/token")
	if err != nil {
		fail(err.Error())
	}
	ca, err := os.ReadFile(serviceAccount + "/ca.crt")
	if err != nil {
		fail(err.Error())
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		fail("no certificate in ca.crt")
	}
	client := http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}},
	}
	req, _ := http.NewRequest(http.MethodGet, "https://kubernetes.default.svc"+path, nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	res, err := client.Do(req)
	if err != nil {
		fail(err.Error())
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		fail(fmt.Sprintf("%s: %d %s", path, res.StatusCode, body))
	}
	os.Stdout.Write(body)
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(1)
}
