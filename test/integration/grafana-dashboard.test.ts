// The Grafana dashboard the chart ships (grafana.dashboard.enabled) against a
// real operator's /metrics on a real Asterisk 22: every metric the dashboard
// queries exists there (so the two cannot drift apart), the issue's queue and
// agent metrics exist, and their label cardinality is bounded: label names
// from a short list, no per-call values, and callers coming and going add
// no series.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../cluster/tools.ts';
import { find, type K8sObject, render } from '../helm/helm.ts';
import { apiRoutes } from '../support/api-routes.ts';
import { signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { addQueueCallers, field, type QueueCallers } from '../support/queue-callers.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const FILE = join(repoRoot, 'charts', 'switchboard', 'files', 'grafana', 'switchboard.json');
/** The issue's names (part 5). */
const ISSUE_METRICS = [
  'switchboard_queue_callers_waiting',
  'switchboard_queue_longest_wait_seconds',
  'switchboard_queue_calls_answered_total',
  'switchboard_queue_calls_abandoned_total',
  'switchboard_agents',
];
/** Every label a dashboard metric may carry: none names a call, a caller or a channel. */
const LABELS = new Set([
  'namespace',
  'queue',
  'state',
  'reason',
  'host',
  'informer',
  'le',
  'method',
  'route',
  'status',
  'module',
  'outcome',
]);

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let callers: QueueCallers;
let queried: string[] = [];

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The metric families (# TYPE lines) and samples of a /metrics text. */
function parseMetrics(text: string): { families: Set<string>; samples: Sample[] } {
  const families = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type?.[1]) families.add(type[1]);
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample?.[1]) continue;
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[m[1] ?? ''] = m[2] ?? '';
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { families, samples };
}

/** A histogram's or summary's series name → its family. */
const familyOf = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

/** Metric names in the dashboard's PromQL. */
function metricsIn(dashboard: { panels: { targets?: { expr: string }[] }[] }): string[] {
  const names = new Set<string>();
  for (const p of dashboard.panels)
    for (const t of p.targets ?? [])
      for (const m of t.expr.matchAll(/\bswitchboard_[a-z_]+\b/g)) names.add(familyOf(m[0]));
  return [...names].sort();
}

const scrape = async () => parseMetrics(await operator.metrics());
/** The series of the dashboard's metrics, as comparable keys. */
const seriesOf = (samples: Sample[]) =>
  samples
    .filter((s) => queried.includes(familyOf(s.name)))
    .map((s) => `${s.name}${JSON.stringify(s.labels)}`)
    .sort();

before(async () => {
  ns = await createNamespace(cluster, 'grafana-dashboard');
  r = new Resources(cluster, ns.name);
  pbx = await startRealAsterisk(cluster, r);
  const access = addQueueCallers(pbx.asterisk);
  operator = await startOperator(cluster, ns.name, 'grafana-dashboard', {
    ASTERISK_POLL_MS: '100',
  });
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: { ws: true, wss: false },
  });
  await r.createAgent('gail', { displayName: 'Gail Grafana' });
  await pbx.start();
  callers = await access.connect();
  const { session } = await signInAdmin(r, `http://127.0.0.1:${operator.port}`);
  await waitUntil('the live queues are read', async () => {
    const res = await session.call<{ live: boolean }>('GET', '/monitor/queues');
    return res.status === 200 && res.body.live;
  });
});

after(async () => {
  await callers?.hangUpAll().catch(() => undefined);
  await callers?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

describe('the Grafana dashboard', { concurrency: false }, () => {
  it('ships only when enabled, labelled for the sidecar, holding the generated JSON', async () => {
    const plain = await render();
    assert.ok(!plain.some((o) => o.metadata.name.endsWith('grafana-dashboard')), 'off by default');
    const objects: K8sObject[] = await render({
      'grafana.dashboard.enabled': true,
      'grafana.dashboard.namespace': 'monitoring',
      'grafana.dashboard.annotations': { grafana_folder: 'Switchboard' },
    });
    const cm = find(objects, 'ConfigMap', 'sb-switchboard-grafana-dashboard');
    assert.equal(cm.metadata.namespace, 'monitoring');
    assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
    assert.equal(cm.metadata.labels?.['app.kubernetes.io/component'], 'monitoring');
    assert.equal(cm.metadata.annotations?.grafana_folder, 'Switchboard');
    const json = (cm.data as Record<string, string>)['switchboard.json'] ?? '';
    assert.equal(json, readFileSync(FILE, 'utf8'));
    const dashboard = JSON.parse(json);
    queried = metricsIn(dashboard);
    const titles = (dashboard.panels as { title: string }[]).map((p) => p.title);
    for (const t of [
      'Callers waiting',
      'Longest wait',
      'Answered / abandoned',
      'Service level',
      'Agents by state',
      'Leader',
      'AMI connected',
    ])
      assert.ok(titles.includes(t), `a panel "${t}"`);
    for (const m of ISSUE_METRICS) assert.ok(queried.includes(m), `the dashboard queries ${m}`);
  });

  it('queries only metrics the operator exports', async () => {
    // callers wait and one abandons: the queue counters get their series
    for (const id of ['gd-1', 'gd-2']) await callers.call('117', id);
    const joined = await callers.waitFor(
      'QueueCallerJoin',
      (f) => field(f, 'uniqueid') === 'gd-2',
      'gd-2 joins',
      10_000,
    );
    await callers.client.action({ action: 'Hangup', channel: field(joined.f, 'channel') });
    await waitUntil('the abandon is counted', async () =>
      (await scrape()).samples.some((s) => s.name === 'switchboard_queue_calls_abandoned_total'),
    );
    const { families, samples } = await scrape();
    const missing = queried.filter((m) => !families.has(m));
    assert.deepEqual(missing, [], `the dashboard queries metrics /metrics lacks: ${missing}`);
    for (const m of ISSUE_METRICS) assert.ok(families.has(m), `/metrics has ${m}`);
    const waiting = samples.find(
      (s) => s.name === 'switchboard_queue_callers_waiting' && s.labels.queue === 'support',
    );
    assert.deepEqual(waiting?.labels, { namespace: ns.name, queue: 'support' });
    assert.ok(
      samples.some((s) => s.name === 'switchboard_agents' && s.labels.state === 'available'),
    );
  });

  it('keeps label cardinality bounded: no per-call labels, calls add no series', async () => {
    const before = await scrape();
    // the API's latency is labelled by route pattern (/hr/users/:id), never by path
    const patterns = new Set([...(await apiRoutes()).map((x) => x.url), 'unmatched']);
    for (const s of before.samples.filter((x) => queried.includes(familyOf(x.name))))
      for (const [k, v] of Object.entries(s.labels)) {
        assert.ok(LABELS.has(k), `${s.name} has the label ${k}`);
        if (k === 'route')
          assert.ok(patterns.has(v), `${s.name}{route="${v}"}: not a route pattern`);
        // host: Asterisk's AMI address; informer: one per watched kind (and namespace)
        else if (k !== 'host' && k !== 'informer')
          assert.ok(!/[/;@]|gd-\d/.test(v), `${s.name}{${k}="${v}"} looks like a call`);
      }
    const series = seriesOf(before.samples);
    for (let i = 3; i <= 8; i++) await callers.call('117', `gd-${i}`);
    const support = async (name: string) =>
      (await scrape()).samples.find((s) => s.name === name && s.labels.queue === 'support')?.value;
    await waitUntil(
      'seven callers wait',
      async () => (await support('switchboard_queue_callers_waiting')) === 7,
    );
    await callers.hangUpAll();
    // gd-2 before, the seven now
    await waitUntil(
      'eight abandons counted',
      async () => (await support('switchboard_queue_calls_abandoned_total')) === 8,
    );
    // API routes are labelled by route pattern: the scrapes above add none either
    assert.deepEqual(seriesOf((await scrape()).samples), series);
  });
});
