// kube-proxy's KubeProxyConfiguration: iptables mode, so Service ClusterIPs
// answer from the host and from Pods. It leaves the machine's conntrack
// settings alone (zeros: "do not set"), and opens NodePorts only on the node's
// own address, never on the machine's network interface.
import { NODE_IP, NODE_NAME, POD_CIDR } from './node-network.ts';

export interface KubeProxyConfigOptions {
  readonly kubeconfig: string;
  readonly healthzPort: number;
  readonly metricsPort: number;
}

export function kubeProxyConfig(o: KubeProxyConfigOptions): object {
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    mode: 'iptables',
    clientConnection: { kubeconfig: o.kubeconfig },
    hostnameOverride: NODE_NAME,
    clusterCIDR: POD_CIDR,
    healthzBindAddress: `127.0.0.1:${o.healthzPort}`,
    metricsBindAddress: `127.0.0.1:${o.metricsPort}`,
    nodePortAddresses: [`${NODE_IP}/32`],
    iptables: { minSyncPeriod: '0s', syncPeriod: '30s' },
    conntrack: {
      maxPerCore: 0,
      min: 0,
      tcpEstablishedTimeout: '0s',
      tcpCloseWaitTimeout: '0s',
    },
  };
}
