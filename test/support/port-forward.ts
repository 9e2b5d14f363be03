// `kubectl port-forward` to a Service, as a platform engineer reaches the web
// UI before an Ingress exists. kubectl picks one Pod behind the Service and
// exits when that Pod goes away (a rolling update), so the forward can be
// reopened on the same local port: pages keep their origin and cookies.
import { type ChildProcess, spawn } from 'node:child_process';
import type { TestCluster } from './cluster.ts';

export interface PortForward {
  readonly port: number;
  /** Whether kubectl is still forwarding. */
  alive(): boolean;
  /** Starts kubectl again on the same port (after the Pod it chose went away). */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

function forward(
  cluster: TestCluster,
  namespace: string,
  service: string,
  local: number,
  remote: number,
): Promise<ChildProcess> {
  const child = spawn(
    cluster.kubectlPath,
    [
      '--kubeconfig',
      cluster.kubeconfig,
      'port-forward',
      '-n',
      namespace,
      '--address',
      // both loopbacks: Chromium tries ::1 for "localhost" too
      'localhost',
      `svc/${service}`,
      `${local}:${remote}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let said = '';
    const onData = (chunk: Buffer) => {
      said += chunk.toString();
      if (/Forwarding from 127\.0\.0\.1:\d+/.test(said)) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${said}`)));
  });
}

/** Forwards 127.0.0.1:`local` to port `remote` of Service `service`. */
export async function portForward(
  cluster: TestCluster,
  namespace: string,
  service: string,
  local: number,
  remote: number,
): Promise<PortForward> {
  const open = () => forward(cluster, namespace, service, local, remote);
  let child = await open();
  return {
    port: local,
    alive: () => child.exitCode === null && child.signalCode === null,
    async reopen() {
      child.kill();
      child = await open();
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}
