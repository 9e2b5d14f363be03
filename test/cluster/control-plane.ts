// A real Kubernetes control plane on loopback for tests and `make run`:
// etcd + kube-apiserver + kube-controller-manager (garbage collection and
// namespace deletion work as in a cluster). No kubelet or scheduler: Pods stay
// Pending, which is all the operator's tests need; the tests that run Pods add
// a real node to it (node.ts), which the API server is set up for here.

import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type ClusterCertificates, certificatePaths, createCertificates } from './certificates.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { NODE_IP, SERVICE_CIDR } from './node-network.ts';
import { freePort } from './ports.ts';
import { ProcessGroup } from './processes.ts';
import { type ClusterTools, clusterTools } from './tools.ts';
import { waitFor } from './wait-for.ts';

export interface ControlPlane {
  readonly server: string;
  /** Admin (system:masters) kubeconfig. */
  readonly kubeconfig: string;
  readonly dir: string;
  readonly tools: ClusterTools;
  readonly certificates: ClusterCertificates;
  stop(): Promise<void>;
  /** Stops kube-apiserver and starts it again on the same port (tests of reconnecting clients). */
  restartApiServer(): Promise<void>;
}

/** What another process may use of a running control plane (node.ts, from a test file). */
export type ControlPlaneAccess = Pick<
  ControlPlane,
  'server' | 'kubeconfig' | 'dir' | 'tools' | 'certificates'
>;

/** The control plane startControlPlane({ dir }) runs, seen from another process. */
export async function attachControlPlane(dir: string): Promise<ControlPlaneAccess> {
  const kubeconfig = join(dir, 'kubeconfig');
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as {
    clusters?: { cluster?: { server?: string } }[];
  };
  const server = doc.clusters?.[0]?.cluster?.server;
  if (!server) throw new Error(`${kubeconfig} names no server`);
  return {
    server,
    kubeconfig,
    dir,
    tools: await clusterTools(),
    certificates: certificatePaths(join(dir, 'pki')),
  };
}

export interface ControlPlaneOptions {
  /** Directory for certificates, data and logs; created if missing. */
  readonly dir: string;
  /** How long to wait for each component (ms). */
  readonly timeoutMs?: number;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { dir } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  mkdirSync(join(dir, 'pki'), { recursive: true });
  const [tools, certificates] = await Promise.all([
    clusterTools(),
    createCertificates(join(dir, 'pki')),
  ]);
  const group = new ProcessGroup(dir);
  try {
    const [etcdClient, etcdPeer, apiPort, kcmPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const etcd = group.start('etcd', tools.etcd, [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync', // throw-away data: fsync only slows the tests
      '--quota-backend-bytes=8589934592',
      '--log-level=warn',
    ]);

    const server = `https://127.0.0.1:${apiPort}`;
    const c = certificates;
    const apiserverArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      // The address the `kubernetes` Service leads Pods to: the node's, where
      // node.ts forwards it to this loopback port (Pods cannot reach loopback).
      `--advertise-address=${NODE_IP}`,
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'apiserver')}`,
      `--tls-cert-file=${c.serverCert}`,
      `--tls-private-key-file=${c.serverKey}`,
      `--client-ca-file=${c.caCert}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${c.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${c.serviceAccountPrivateKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      // Node: kubelets get exactly their own node's objects (system:nodes has no RBAC role).
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NodeRestriction',
      // Logs, exec and port-forward: verify the kubelet's serving certificate,
      // authenticate with a certificate of its own, and dial the node's
      // InternalIP (never its name: an unknown name would go to the machine's resolver).
      `--kubelet-certificate-authority=${c.caCert}`,
      `--kubelet-client-certificate=${c.kubeletClientCert}`,
      `--kubelet-client-key=${c.kubeletClientKey}`,
      '--kubelet-preferred-address-types=InternalIP',
      '--profiling=false',
    ];
    let apiserver = group.start('kube-apiserver', tools.kubeApiserver, apiserverArgs);
    await waitFor('kube-apiserver /readyz', timeoutMs, [etcd, apiserver], () =>
      httpsOk(`${server}/readyz`, c),
    );

    const kubeconfig = writeKubeconfig(join(dir, 'kubeconfig'), server, c.caCert, {
      name: 'switchboard-admin',
      certFile: c.adminCert,
      keyFile: c.adminKey,
    });
    const kcmKubeconfig = writeKubeconfig(
      join(dir, 'controller-manager.kubeconfig'),
      server,
      c.caCert,
      {
        name: 'system:kube-controller-manager',
        certFile: c.controllerManagerCert,
        keyFile: c.controllerManagerKey,
      },
    );
    const kcm = group.start('kube-controller-manager', tools.kubeControllerManager, [
      `--kubeconfig=${kcmKubeconfig}`,
      `--authentication-kubeconfig=${kcmKubeconfig}`,
      `--authorization-kubeconfig=${kcmKubeconfig}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${kcmPort}`,
      `--cert-dir=${join(dir, 'controller-manager')}`,
      `--service-account-private-key-file=${c.serviceAccountPrivateKey}`,
      `--root-ca-file=${c.caCert}`,
      // Each controller acts as its own ServiceAccount with its default RBAC
      // role: the controller manager's own user may not create ConfigMaps, so
      // without this kube-root-ca.crt is never published and no Pod with a
      // ServiceAccount token starts.
      '--use-service-account-credentials=true',
      '--profiling=false',
    ]);
    // The service-account controller creating "default" proves the controller manager runs.
    await waitFor(
      'kube-controller-manager (default ServiceAccount)',
      timeoutMs,
      [etcd, apiserver, kcm],
      () => httpsOk(`${server}/api/v1/namespaces/default/serviceaccounts/default`, c),
    );

    return {
      server,
      kubeconfig,
      dir,
      tools,
      certificates,
      stop: () => group.stopAll(),
      async restartApiServer() {
        await group.stop(apiserver);
        apiserver = group.start('kube-apiserver', tools.kubeApiserver, apiserverArgs);
        await waitFor('kube-apiserver /readyz after restart', timeoutMs, [etcd, apiserver], () =>
          httpsOk(`${server}/readyz`, c),
        );
      },
    };
  } catch (err) {
    await group.stopAll();
    throw err;
  }
}

function httpsOk(url: string, c: ClusterCertificates): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        ca: readFileSync(c.caCert),
        cert: readFileSync(c.adminCert),
        key: readFileSync(c.adminKey),
        timeout: 2000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
