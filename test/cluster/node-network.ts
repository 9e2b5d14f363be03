// The addresses of the tests' single node, shared by the control plane (its
// Service range, the address it advertises to Pods) and the node. Fixed, not
// picked per run: kube-proxy's iptables chains are machine-wide anyway, so one
// node runs on a machine at a time.

/** The bridge every Pod is plugged into (an interface name: 15 characters at most). */
export const BRIDGE = 'switchboard0';
/** The Pods' addresses; nothing routes them off the machine. */
export const POD_CIDR = '10.244.0.0/24';
/** The bridge's own address: the node's InternalIP, the Pods' gateway to Services and cluster DNS. */
export const NODE_IP = '10.244.0.1';
export const POD_PREFIX_LENGTH = 24;
/** kube-apiserver's --service-cluster-ip-range. */
export const SERVICE_CIDR = '10.96.0.0/16';
/** The first address of the Service range: the `kubernetes` Service. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const CLUSTER_DOMAIN = 'cluster.local';
export const NODE_NAME = 'switchboard-node';
