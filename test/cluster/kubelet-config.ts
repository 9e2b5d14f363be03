// The kubelet's KubeletConfiguration for the tests' node: cgroupfs on this
// machine's cgroup v1 (no systemd), x509 + webhook authentication and webhook
// authorization (the API server's kubelet client certificate is checked like
// any other caller), cluster DNS on the node's address, no host resolv.conf
// (a Pod's lookups never reach the machine's resolver), and image GC and
// eviction thresholds loose enough that a busy disk never evicts a test Pod.
import { CLUSTER_DOMAIN, NODE_IP } from './node-network.ts';

export interface KubeletConfigOptions {
  readonly caCert: string;
  readonly tlsCert: string;
  readonly tlsKey: string;
  readonly containerdSocket: string;
  readonly port: number;
  readonly healthzPort: number;
  readonly podLogsDir: string;
}

export function kubeletConfig(o: KubeletConfigOptions): object {
  const runtime = `unix://${o.containerdSocket}`;
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: NODE_IP,
    port: o.port,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: o.healthzPort,
    tlsCertFile: o.tlsCert,
    tlsPrivateKeyFile: o.tlsKey,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: o.caCert },
    },
    authorization: { mode: 'Webhook' },
    containerRuntimeEndpoint: runtime,
    imageServiceEndpoint: runtime,
    cgroupDriver: 'cgroupfs',
    // This machine has cgroup v1 hierarchies (and v2 only at /sys/fs/cgroup/unified).
    failCgroupV1: false,
    failSwapOn: false,
    resolvConf: '',
    clusterDNS: [NODE_IP],
    clusterDomain: CLUSTER_DOMAIN,
    podLogsDir: o.podLogsDir,
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: {
      'memory.available': '1Mi',
      'nodefs.available': '1%',
      'nodefs.inodesFree': '1%',
      'imagefs.available': '1%',
    },
    // Status reaches the API within a second: tests wait on Ready conditions.
    nodeStatusUpdateFrequency: '2s',
    syncFrequency: '10s',
    serializeImagePulls: false,
    // The kubelet sets its kernel defaults (vm.overcommit_memory, kernel.panic,
    // ...); node-cleanup.ts puts the machine's values back when the node stops.
    protectKernelDefaults: false,
    staticPodPath: '',
    rotateCertificates: false,
    serverTLSBootstrap: false,
  };
}
