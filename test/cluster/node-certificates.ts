// The node components' certificates, signed by the control plane's CA: the
// kubelet's client identity (system:node:<name>, which the Node authorizer
// scopes to its own node) and serving certificate (the API server verifies it
// when it calls the kubelet), and the client identities of kube-scheduler,
// kube-proxy and CoreDNS (the first two have default RBAC roles, CoreDNS gets
// one from node-rbac.ts).
import { mkdirSync } from 'node:fs';
import type { ClusterCertificates } from './certificates.ts';
import { CLIENT_EXTENSIONS, signedCertificate } from './certificates.ts';
import { NODE_IP } from './node-network.ts';

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

export interface NodeCertificates {
  readonly kubeletClient: KeyPair;
  readonly kubeletServing: KeyPair;
  readonly scheduler: KeyPair;
  readonly proxy: KeyPair;
  readonly coredns: KeyPair;
}

export const COREDNS_USER = 'switchboard:coredns';

export async function createNodeCertificates(
  dir: string,
  cluster: ClusterCertificates,
  nodeName: string,
): Promise<NodeCertificates> {
  mkdirSync(dir, { recursive: true });
  const ca = { cert: cluster.caCert, key: cluster.caKey };
  const [kubeletClient, kubeletServing, scheduler, proxy, coredns] = await Promise.all([
    signedCertificate(
      dir,
      'kubelet-client',
      `/O=system:nodes/CN=system:node:${nodeName}`,
      CLIENT_EXTENSIONS,
      ca,
    ),
    signedCertificate(
      dir,
      'kubelet-serving',
      `/O=system:nodes/CN=system:node:${nodeName}`,
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
        `subjectAltName=IP:${NODE_IP},IP:127.0.0.1,DNS:${nodeName}\n`,
      ca,
    ),
    signedCertificate(dir, 'scheduler', '/CN=system:kube-scheduler', CLIENT_EXTENSIONS, ca),
    signedCertificate(dir, 'proxy', '/CN=system:kube-proxy', CLIENT_EXTENSIONS, ca),
    signedCertificate(dir, 'coredns', `/CN=${COREDNS_USER}`, CLIENT_EXTENSIONS, ca),
  ]);
  return { kubeletClient, kubeletServing, scheduler, proxy, coredns };
}
