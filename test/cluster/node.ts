// A real single node for the tests that run Pods, added to a running control
// plane (control-plane.ts): containerd + runc (Debian), the CNI bridge,
// kubelet, kube-scheduler (Pods need no nodeName), kube-proxy (Service IPs
// work from the host and from Pods) and CoreDNS (Services resolve by name from
// Pods), all v1.36.3 from the same Go modules as the control plane. Started on
// demand by a test file (`startNode`), not by the global setup: it takes
// root, the machine's iptables and a bridge, and most tests need no Pods.
// `stop()` takes everything back: Pods, containers, shims, network namespaces,
// mounts, iptables chains, the bridge, cgroups, kernel settings, the Node object.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type ApiForwarder, forwardApiServer } from './api-forwarder.ts';
import { apiGet } from './api-get.ts';
import { createBridge, deleteBridge, writeCniConfig } from './cni.ts';
import { containerdPaths, ctr, importImage, runningTasks, startContainerd } from './containerd.ts';
import type { ControlPlaneAccess } from './control-plane.ts';
import { corefile } from './coredns.ts';
import { kubeProxyConfig } from './kube-proxy-config.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { kubeletConfig } from './kubelet-config.ts';
import { createNodeCertificates, type KeyPair } from './node-certificates.ts';
import { recordMachineState, restoreMachine, setSysctl, sweepStaleNode } from './node-cleanup.ts';
import { type ImageTarball, nodeImages, PAUSE_IMAGE } from './node-images.ts';
import { lockNode } from './node-lock.ts';
import { NODE_IP, NODE_NAME } from './node-network.ts';
import { nodeRbac } from './node-rbac.ts';
import { freePort } from './ports.ts';
import { ProcessGroup } from './processes.ts';
import { waitFor } from './wait-for.ts';

export interface NodeTimings {
  /** Certificates, images built or found, RBAC, bridge: everything before the first process. */
  readonly prepareMs: number;
  /** containerd answering with the node's images imported. */
  readonly containerdMs: number;
  /** kubelet started → Node Ready (with the scheduler, kube-proxy and CoreDNS ready too). */
  readonly readyMs: number;
  readonly totalMs: number;
}

export interface TestNode {
  readonly name: string;
  /** The node's InternalIP: the Pods' gateway and cluster DNS server. */
  readonly ip: string;
  readonly dir: string;
  readonly timings: NodeTimings;
  /** Imports an OCI layout tarball into the node's containerd as localhost/<name>:<tag>. */
  importImage(image: ImageTarball): Promise<void>;
  stop(): Promise<void>;
}

export interface NodeOptions {
  /** How long to wait for each component (ms). */
  readonly timeoutMs?: number;
  /** Images to import besides the node's own (pause, probe). */
  readonly images?: readonly ImageTarball[];
}

export async function startNode(
  cp: ControlPlaneAccess,
  options: NodeOptions = {},
): Promise<TestNode> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  const dir = join(cp.dir, 'node');
  mkdirSync(dir, { recursive: true });
  const { tools } = cp;
  const kubectl = (args: readonly string[], stdin?: string) =>
    kubectlRun(tools.kubectl, cp.kubeconfig, args, stdin);

  const unlock = await lockNode(10 * 60_000);
  await sweepStaleNode();
  const machine = await recordMachineState();
  const group = new ProcessGroup(dir);
  const containerd = containerdPaths(join(dir, 'containerd'));
  let forwarder: ApiForwarder | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await stopNode(
        { group, dir, kubectl, containerdSocket: containerd.socket, machine, forwarder },
        () => runningTasks(containerd).catch(() => []),
      );
    } finally {
      unlock();
    }
  };

  try {
    const [certs, images, ports] = await Promise.all([
      createNodeCertificates(join(dir, 'pki'), cp.certificates, NODE_NAME),
      nodeImages(),
      Promise.all(Array.from({ length: 7 }, () => freePort())),
      kubectl(
        ['apply', '-f', '-'],
        nodeRbac()
          .map((o) => stringify(o))
          .join('---\n'),
      ),
      createBridge(),
    ]);
    const [
      kubeletPort,
      kubeletHealthz,
      schedulerPort,
      proxyHealthz,
      proxyMetrics,
      dnsHealth,
      dnsReady,
    ] = ports as [number, number, number, number, number, number, number];
    // Pod → Service traffic is routed through the node (kube-proxy rewrites it
    // back onto the bridge), and bridged traffic must pass iptables for the replies.
    setSysctl('net/ipv4/ip_forward', '1');
    setSysctl('net/bridge/bridge-nf-call-iptables', '1');

    const prepared = Date.now();
    // Written first: containerd reads it at start (and would log that there is none).
    writeCniConfig(containerd.cniConfDir, join(dir, 'cni-ipam'));
    const containerdProcess = startContainerd(group, containerd, { sandboxImage: PAUSE_IMAGE });
    await waitFor('containerd', timeoutMs, [containerdProcess], () =>
      ctr(containerd, ['version']).then(
        () => true,
        () => false,
      ),
    );
    await Promise.all(
      [...images, ...(options.images ?? [])].map((i) => importImage(containerd, i.tarball, i.name)),
    );
    const containerdReady = Date.now();

    const kubeconfigFor = (name: string, user: string, pair: KeyPair) =>
      writeKubeconfig(join(dir, `${name}.kubeconfig`), cp.server, cp.certificates.caCert, {
        name: user,
        certFile: pair.cert,
        keyFile: pair.key,
      });
    const kubeletDir = join(dir, 'kubelet');
    mkdirSync(kubeletDir, { recursive: true });
    const kubeletConfigPath = join(dir, 'kubelet-config.yaml');
    writeFileSync(
      kubeletConfigPath,
      stringify(
        kubeletConfig({
          caCert: cp.certificates.caCert,
          tlsCert: certs.kubeletServing.cert,
          tlsKey: certs.kubeletServing.key,
          containerdSocket: containerd.socket,
          port: kubeletPort,
          healthzPort: kubeletHealthz,
          podLogsDir: join(dir, 'pod-logs'),
        }),
      ),
    );
    const kubelet = group.start('kubelet', tools.kubelet, [
      `--config=${kubeletConfigPath}`,
      `--kubeconfig=${kubeconfigFor('kubelet', `system:node:${NODE_NAME}`, certs.kubeletClient)}`,
      `--root-dir=${kubeletDir}`,
      `--cert-dir=${join(dir, 'kubelet-pki')}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${NODE_IP}`,
      '--v=1',
    ]);
    const schedulerKubeconfig = kubeconfigFor(
      'scheduler',
      'system:kube-scheduler',
      certs.scheduler,
    );
    const scheduler = group.start('kube-scheduler', tools.kubeScheduler, [
      `--kubeconfig=${schedulerKubeconfig}`,
      `--authentication-kubeconfig=${schedulerKubeconfig}`,
      `--authorization-kubeconfig=${schedulerKubeconfig}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${schedulerPort}`,
      `--cert-dir=${join(dir, 'scheduler-pki')}`,
      '--profiling=false',
    ]);
    const proxyConfigPath = join(dir, 'kube-proxy-config.yaml');
    writeFileSync(
      proxyConfigPath,
      stringify(
        kubeProxyConfig({
          kubeconfig: kubeconfigFor('kube-proxy', 'system:kube-proxy', certs.proxy),
          healthzPort: proxyHealthz,
          metricsPort: proxyMetrics,
        }),
      ),
    );
    const proxy = group.start('kube-proxy', tools.kubeProxy, [`--config=${proxyConfigPath}`]);
    const corefilePath = join(dir, 'Corefile');
    writeFileSync(
      corefilePath,
      corefile({
        kubeconfig: kubeconfigFor('coredns', 'switchboard:coredns', certs.coredns),
        healthPort: dnsHealth,
        readyPort: dnsReady,
      }),
    );
    const coredns = group.start('coredns', tools.coredns, ['-conf', corefilePath]);
    forwarder = await forwardApiServer(NODE_IP, Number(new URL(cp.server).port));

    const all = [containerdProcess, kubelet, scheduler, proxy, coredns];
    await Promise.all([
      waitFor(`node ${NODE_NAME} Ready`, timeoutMs, all, async () =>
        nodeReady(await apiGet(cp.server, cp.certificates, `/api/v1/nodes/${NODE_NAME}`)),
      ),
      waitFor('kube-scheduler /healthz', timeoutMs, all, () =>
        httpsHealthy(`https://127.0.0.1:${schedulerPort}/healthz`),
      ),
      waitFor('kube-proxy /healthz', timeoutMs, all, () =>
        httpHealthy(`http://127.0.0.1:${proxyHealthz}/healthz`),
      ),
      waitFor('CoreDNS /ready', timeoutMs, all, () =>
        httpHealthy(`http://127.0.0.1:${dnsReady}/ready`),
      ),
    ]);
    const ready = Date.now();
    return {
      name: NODE_NAME,
      ip: NODE_IP,
      dir,
      timings: {
        prepareMs: prepared - started,
        containerdMs: containerdReady - prepared,
        readyMs: ready - containerdReady,
        totalMs: ready - started,
      },
      importImage: (i) => importImage(containerd, i.tarball, i.name),
      stop,
    };
  } catch (err) {
    // The start's error is the one to see; a failed cleanup is added to it.
    await stop().catch((stopErr: unknown) => {
      if (err instanceof Error) err.message += `\n(and then: ${String(stopErr)})`;
    });
    throw err;
  }
}

interface StopContext {
  readonly group: ProcessGroup;
  readonly dir: string;
  readonly kubectl: (args: readonly string[]) => Promise<string>;
  readonly containerdSocket: string;
  readonly machine: Awaited<ReturnType<typeof recordMachineState>>;
  readonly forwarder: ApiForwarder | undefined;
}

/**
 * The kubelet stops its Pods' sandboxes (CNI teardown, network namespace
 * removal) only while it runs, so the Pods go first: the node is cordoned (no
 * replacement is scheduled onto it), its Pods deleted and waited for, then the
 * processes stop, and what a crash could still leave is taken back.
 */
async function stopNode(ctx: StopContext, tasks: () => Promise<string[]>): Promise<void> {
  const problems: string[] = [];
  const attempt = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  // A node that never registered (a failed start) has no Pods to drain.
  const registered = await ctx.kubectl(['cordon', NODE_NAME]).then(
    () => true,
    () => false,
  );
  if (registered)
    await attempt('delete Pods', () =>
      ctx.kubectl([
        'delete',
        'pods',
        '--all-namespaces',
        `--field-selector=spec.nodeName=${NODE_NAME}`,
        '--grace-period=1',
        '--timeout=30s',
      ]),
    );
  await attempt('sandboxes', async () => {
    const deadline = Date.now() + 15_000;
    while ((await tasks()).length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  await ctx.forwarder?.close();
  await ctx.group.stopAll();
  problems.push(...(await restoreMachine(ctx.machine, ctx.dir, ctx.containerdSocket)));
  await deleteBridge();
  await attempt('delete Node', () =>
    ctx.kubectl(['delete', 'node', NODE_NAME, '--ignore-not-found', '--wait=false']),
  );
  // Deleting a Node leaves its Lease behind.
  await attempt('delete Lease', () =>
    ctx.kubectl([
      'delete',
      'lease',
      NODE_NAME,
      '--namespace=kube-node-lease',
      '--ignore-not-found',
      '--wait=false',
    ]),
  );
  if (problems.length > 0)
    throw new Error(`the node did not stop cleanly:\n${problems.join('\n')}`);
}

async function kubectlRun(
  kubectl: string,
  kubeconfig: string,
  args: readonly string[],
  stdin?: string,
): Promise<string> {
  return await new Promise((resolve, reject) => {
    const child = execFile(
      kubectl,
      ['--kubeconfig', kubeconfig, ...args],
      { maxBuffer: 16 << 20 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr.trim() || String(err)}`))
          : resolve(stdout),
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

function nodeReady(node: unknown): boolean {
  const conditions = (node as { status?: { conditions?: { type: string; status: string }[] } })
    ?.status?.conditions;
  return conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** A component's self-signed health endpoint (no credentials: /healthz is open to anyone). */
function httpsHealthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function httpHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}
