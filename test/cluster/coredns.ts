// Cluster DNS: CoreDNS (tools/coredns) as a process on the node's address,
// port 53, where the kubelet points every Pod (clusterDNS). A host process,
// not a Pod: it needs no image, starts before any Pod, and does not depend on
// kube-proxy. It answers the cluster domain and reverse lookups from the API
// and refuses every other name, so no lookup leaves the machine.
import { CLUSTER_DOMAIN, NODE_IP } from './node-network.ts';

export interface CorefileOptions {
  readonly kubeconfig: string;
  readonly healthPort: number;
  readonly readyPort: number;
}

export function corefile(o: CorefileOptions): string {
  return `${CLUSTER_DOMAIN}:53 in-addr.arpa:53 ip6.arpa:53 {
  bind ${NODE_IP}
  errors
  health 127.0.0.1:${o.healthPort}
  ready 127.0.0.1:${o.readyPort}
  kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
    kubeconfig ${o.kubeconfig} switchboard-local
    pods insecure
    ttl 5
  }
  cache 5
  loadbalance
}
`;
}
