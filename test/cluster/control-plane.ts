// A real Kubernetes control plane on loopback for tests and `make run`:
// etcd + kube-apiserver + kube-controller-manager (garbage collection and
// namespace deletion work as in a cluster). No kubelet or scheduler: Pods stay
// Pending, which is all the operator's tests need.

import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { type ClusterCertificates, createCertificates } from './certificates.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { freePort } from './ports.ts';
import { type ManagedProcess, ProcessGroup } from './processes.ts';
import { type ClusterTools, clusterTools } from './tools.ts';

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
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'apiserver')}`,
      `--tls-cert-file=${c.serverCert}`,
      `--tls-private-key-file=${c.serverKey}`,
      `--client-ca-file=${c.caCert}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${c.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${c.serviceAccountPrivateKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--authorization-mode=RBAC',
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
      '--use-service-account-credentials=false',
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

/** Polls `check` until it holds; fails early with the log tail when a process dies. */
async function waitFor(
  what: string,
  timeoutMs: number,
  processes: readonly ManagedProcess[],
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = processes.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead)
      throw new Error(`${dead.name} exited while waiting for ${what}:\n${logTail(dead.logPath)}`);
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}:\n${processes.map((p) => `--- ${p.name}\n${logTail(p.logPath)}`).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function logTail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
