// make bench: how long the operator takes to give N agents credentials, the
// namespace its Asterisk configuration and Asterisk (the AMI test server, fed
// by the projector) every agent loaded, how many reloads that took, how big
// the generated objects get, the API writes per agent (as the API server
// counted them), the operator's peak RSS, its writes while idle, and an
// Asterisk outage (AMI's port closed, then open again on the same port): how
// soon every agent shows it and is provisioned again, and the writes each
// costs. Run with `make bench` (BENCH_SIZES=1000,10000, BENCH_IDLE_MS=300000
// by default; BENCH_OUTAGE=0 skips the outage).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { type AmiServer, startAmiServer } from '../ami-server/server.ts';
import { repoRoot } from '../cluster/tools.ts';
import { AMI_USER, startTestAsterisk, type TestAsterisk } from '../support/asterisk.ts';
import { createNamespace, kubectl, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';
import { AgentProgress } from './agent-progress.ts';
import {
  diffCounts,
  isHeartbeat,
  isWrite,
  parseRequestCounts,
  type RequestCounts,
} from './apiserver-requests.ts';
import { serviceAccountKubeconfig } from './service-account-kubeconfig.ts';

const cluster = testCluster();
const chartValues = parse(
  readFileSync(join(repoRoot, 'charts', 'switchboard', 'values.yaml'), 'utf8'),
) as { operator: { nodeOptions: string } };
// The chart's heap caps unless the bench is told otherwise (e.g. '' for none).
const nodeOptions = process.env.BENCH_OPERATOR_NODE_OPTIONS ?? chartValues.operator.nodeOptions;
const kubeconfigDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
const sizes = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const idleMs = Number(process.env.BENCH_IDLE_MS ?? 300_000);
const outage = process.env.BENCH_OUTAGE !== '0';
/** After the outage shows (or ends) everywhere, late writes have this long to come. */
const OUTAGE_SETTLE_MS = 5_000;
const namespaces: Awaited<ReturnType<typeof createNamespace>>[] = [];
let operator: OperatorProcess | undefined;
const asterisks: TestAsterisk[] = [];
/** AMI servers started again after an outage (the TestAsterisk keeps the first). */
const restarted: AmiServer[] = [];

before(async () => {
  await installCrds(cluster);
});
after(async () => {
  await operator?.stop();
  for (const a of restarted) await a.close();
  for (const a of asterisks) await a.close();
  for (const ns of namespaces) await ns.cleanup();
  rmSync(kubeconfigDir, { recursive: true, force: true });
});

async function requestCounts(): Promise<RequestCounts> {
  const res = await kubectl(cluster, ['get', '--raw', '/metrics']);
  if (res.code !== 0) throw new Error(`reading the API server's metrics: ${res.stderr}`);
  return parseRequestCounts(res.stdout);
}

/** Peak resident set of a live process (Linux VmHWM), in MiB. */
function peakRssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
  return kib / 1024;
}

const show = (counts: RequestCounts, per = 1) =>
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${per === 1 ? v : (v / per).toFixed(2)}`)
    .join(', ') || 'none';

async function createAll(r: Resources, n: number): Promise<void> {
  const parallel = 32;
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < n; i = next++)
        await r.createAgent(`agent-${i}`, { displayName: `Agent Number ${i}` });
    }),
  );
}

for (const n of sizes) {
  it(`${n} agents`, { timeout: 30 * 60_000 }, async () => {
    const ns = await createNamespace(cluster, `bench-${n}`);
    namespaces.push(ns);
    const r = new Resources(cluster, ns.name);
    // Reloads take as long as the recorded Asterisk's did (scale-results.txt:
    // 0.12-0.19 s at 1,000 endpoints, 2.9-5.6 s at 10,000).
    const reloadMs = n >= 10_000 ? 4_000 : n >= 1_000 ? 150 : 20;
    const asterisk = await startTestAsterisk(cluster, r, { reloadMs });
    asterisks.push(asterisk);
    await r.createConfig({
      extensions: { start: 10000, end: 99999 },
      hotline: { number: '117', queue: 'support' },
      ami: asterisk.amiSpec,
    });
    await operator?.stop();
    // The bundle the image runs, with the chart's defaults.
    operator = await startOperator(
      cluster,
      ns.name,
      `bench-${n}`,
      {
        // Authenticated as in a Pod (a ServiceAccount token), not with the test client certificate.
        KUBECONFIG: await serviceAccountKubeconfig(cluster, ns.name, kubeconfigDir),
        LOG_LEVEL: 'warn',
        NODE_OPTIONS: nodeOptions,
        ...(process.env.BENCH_CONCURRENCY ? { CONCURRENCY: process.env.BENCH_CONCURRENCY } : {}),
      },
      { bundle: true },
    );

    const progress = new AgentProgress(['CredentialsReady', 'Provisioned']);
    await progress.start(cluster.kc, ns.name);
    const before = await requestCounts();
    const t0 = Date.now();
    const credentials = progress.reached('CredentialsReady', n);
    const provisioned = progress.reached('Provisioned', n);
    await createAll(r, n);
    const createdMs = Date.now() - t0;
    const credentialsMs = (await credentials) - t0;
    await waitUntil(
      'config for all agents',
      async () => (await r.config()).status?.agents === n,
      30 * 60_000,
      500,
    );
    const configMs = Date.now() - t0;
    const provisionedMs = (await provisioned) - t0;
    const paths = progress
      .provisionedPaths()
      .slice(0, 4)
      .map(([path, count]) => `${count}× ${path}`)
      .join('; ');
    await progress.stop();
    const burst = diffCounts(before, await requestCounts());
    // The bench's own creates are not the operator's.
    burst.set('POST sipagents', (burst.get('POST sipagents') ?? 0) - n);
    const burstWrites = new Map(
      [...burst].filter(([k, v]) => isWrite(k) && !isHeartbeat(k) && v > 0),
    );
    const writesPerAgent = [...burstWrites.values()].reduce((a, b) => a + b, 0) / n;

    // Nothing changes from here on: every write now is one too many.
    const idleBefore = await requestCounts();
    await sleep(idleMs);
    const idle = diffCounts(idleBefore, await requestCounts());
    const idleWrites = new Map([...idle].filter(([k]) => isWrite(k) && !isHeartbeat(k)));
    const idleHeartbeats = [...idle].filter(([k]) => isHeartbeat(k) && isWrite(k));
    const rss = peakRssMiB(operator.child.pid);
    const reloads = new Map<string, number>();
    for (const m of asterisk.ami.reloads) reloads.set(m, (reloads.get(m) ?? 0) + 1);

    const sizesOf = [
      ...(await r.configMaps('app.kubernetes.io/component=asterisk-config')).map((c) => ({
        name: `ConfigMap/${c.metadata?.name}`,
        bytes: JSON.stringify(c).length,
      })),
      ...(await r.secrets('app.kubernetes.io/component=asterisk-config')).map((s) => ({
        name: `Secret/${s.metadata?.name}`,
        bytes: JSON.stringify(s).length,
      })),
    ].sort((a, b) => b.bytes - a.bytes);
    const largest = sizesOf[0];
    const metrics = await operator.metrics();
    const gauge = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) /
      2 ** 20;
    const memory = `RSS now ${gauge('switchboard_process_resident_memory_bytes').toFixed(0)} MiB, heap used ${gauge('switchboard_nodejs_heap_size_used_bytes').toFixed(0)} MiB`;
    const retries = metrics
      .split('\n')
      .filter((l) => l.startsWith('switchboard_workqueue_retries_total'))
      .join(' ');
    console.log(
      `bench ${n} agents: created in ${(createdMs / 1000).toFixed(1)} s; all credentials after ${(credentialsMs / 1000).toFixed(1)} s; ` +
        `configuration for all after ${(configMs / 1000).toFixed(1)} s; all Provisioned after ${(provisionedMs / 1000).toFixed(1)} s ` +
        `(${((provisionedMs - configMs) / 1000).toFixed(1)} s after the last render); reloads ${JSON.stringify(Object.fromEntries(reloads))}; ` +
        `${sizesOf.length} generated objects, largest ${largest?.name} ${((largest?.bytes ?? 0) / 1024).toFixed(0)} KiB; ${retries}\n` +
        `  operator NODE_OPTIONS "${nodeOptions}", CONCURRENCY ${process.env.BENCH_CONCURRENCY ?? 'default'}\n` +
        `  Provisioned went ${paths}\n` +
        `  operator writes per agent ${writesPerAgent.toFixed(2)} (${show(burstWrites, n)}); operator peak RSS ${rss.toFixed(0)} MiB (${memory})\n` +
        `  idle ${(idleMs / 1000).toFixed(0)} s: ${show(idleWrites)} writes besides Lease renewals (${show(new Map(idleHeartbeats))})`,
    );
    if (!outage) return;

    // Asterisk goes away: its AMI port refuses connections, then accepts them again.
    const watch = new AgentProgress([]);
    await watch.start(cluster.kc, ns.name);
    const writesSince = async (from: RequestCounts) =>
      new Map(
        [...diffCounts(from, await requestCounts())].filter(([k]) => isWrite(k) && !isHeartbeat(k)),
      );
    const port = asterisk.ami.port;
    const downBefore = await requestCounts();
    const lostAt = Date.now();
    await asterisk.ami.close();
    const outageShows = (k: number) => watch.showing('False/AsteriskNotConnected') >= k;
    await waitUntil('the first agent shows the outage', () => outageShows(1), 30 * 60_000, 20);
    const firstShownMs = Date.now() - lostAt;
    await waitUntil(
      'every agent shows the outage',
      () => watch.showing('False/AsteriskNotConnected') === n,
      30 * 60_000,
      100,
    );
    const shownMs = Date.now() - lostAt;
    await sleep(OUTAGE_SETTLE_MS);
    const down = await writesSince(downBefore);
    const upBefore = await requestCounts();
    restarted.push(await startAmiServer({ ...AMI_USER, configDir: asterisk.dir, port, reloadMs }));
    const backAt = Date.now();
    await waitUntil(
      'the first agent provisioned again',
      () => watch.showing('True/Loaded') >= 1,
      30 * 60_000,
      20,
    );
    const firstUpMs = Date.now() - backAt;
    await waitUntil(
      'every agent provisioned again',
      () => watch.showing('True/Loaded') === n,
      30 * 60_000,
      100,
    );
    const upMs = Date.now() - backAt;
    await sleep(OUTAGE_SETTLE_MS);
    const up = await writesSince(upBefore);
    await watch.stop();
    const perAgent = (w: RequestCounts) =>
      ([...w.values()].reduce((a, b) => a + b, 0) / n).toFixed(2);
    console.log(
      `  Asterisk outage: shown by the first agent ${(firstShownMs / 1000).toFixed(1)} s, by every agent ${(shownMs / 1000).toFixed(1)} s after AMI closed ` +
        `(writes per agent ${perAgent(down)}: ${show(down)}); the first agent provisioned again ${(firstUpMs / 1000).toFixed(1)} s, every agent ` +
        `${(upMs / 1000).toFixed(1)} s after AMI accepted connections (writes per agent ${perAgent(up)}: ${show(up)})`,
    );
  });
}
