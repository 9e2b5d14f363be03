// The source of charts/switchboard/files/grafana/switchboard.json: a Grafana
// dashboard of the call center (callers waiting, longest wait, answered and
// abandoned, service level, agents by state) and of the operator's health.
// The chart ships it in a ConfigMap for Grafana's dashboard sidecar when
// grafana.dashboard.enabled. test/integration/grafana-dashboard.test.ts checks
// every metric it queries against a real operator's /metrics.

type Target = { expr: string; legendFormat: string };
type Panel = Record<string, unknown>;

/** The Prometheus data source chosen at the top of the dashboard. */
const DATASOURCE = '$datasource';
/** The call center namespace(s) chosen at the top of the dashboard. */
const NS = 'namespace=~"$namespace"';

let nextId = 1;
const target = (expr: string, legendFormat: string): Target => ({ expr, legendFormat });

function panel(
  type: 'timeseries' | 'stat',
  title: string,
  grid: { x: number; y: number; w: number; h: number },
  targets: Target[],
  extra: { unit?: string; description?: string; min?: number; max?: number } = {},
): Panel {
  const id = nextId++;
  return {
    id,
    type,
    title,
    ...(extra.description ? { description: extra.description } : {}),
    datasource: { type: 'prometheus', uid: DATASOURCE },
    gridPos: grid,
    targets: targets.map((t, i) => ({
      ...t,
      refId: String.fromCharCode(65 + i),
      datasource: { type: 'prometheus', uid: DATASOURCE },
    })),
    fieldConfig: {
      defaults: {
        unit: extra.unit ?? 'short',
        ...(extra.min !== undefined ? { min: extra.min } : {}),
        ...(extra.max !== undefined ? { max: extra.max } : {}),
      },
      overrides: [],
    },
    options:
      type === 'stat'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, textMode: 'auto' }
        : { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
  };
}

const row = (title: string, y: number): Panel => ({
  id: nextId++,
  type: 'row',
  title,
  collapsed: false,
  gridPos: { x: 0, y, w: 24, h: 1 },
  panels: [],
});

export function grafanaDashboard(): Record<string, unknown> {
  nextId = 1;
  const byQueue = (metric: string) => `max by (namespace, queue) (${metric}{${NS}})`;
  const increase = (metric: string) =>
    `sum by (namespace, queue) (increase(${metric}{${NS}}[$__range]))`;
  const panels: Panel[] = [
    row('Queues', 0),
    panel(
      'stat',
      'Callers waiting',
      { x: 0, y: 1, w: 6, h: 5 },
      [target(byQueue('switchboard_queue_callers_waiting'), '{{queue}}')],
      { description: 'Callers waiting in each queue now.' },
    ),
    panel(
      'stat',
      'Longest wait',
      { x: 6, y: 1, w: 6, h: 5 },
      [target(byQueue('switchboard_queue_longest_wait_seconds'), '{{queue}}')],
      { unit: 's', description: 'How long the longest-waiting caller has waited.' },
    ),
    panel(
      'stat',
      'Service level',
      { x: 12, y: 1, w: 6, h: 5 },
      [
        target(
          `${increase('switchboard_queue_calls_answered_within_service_level_total')} / ${increase('switchboard_queue_calls_answered_total')}`,
          '{{queue}}',
        ),
      ],
      {
        unit: 'percentunit',
        min: 0,
        max: 1,
        description:
          "Calls answered within the queue's service level over calls answered, in the time range shown.",
      },
    ),
    panel(
      'stat',
      'Answered / abandoned',
      { x: 18, y: 1, w: 6, h: 5 },
      [
        target(increase('switchboard_queue_calls_answered_total'), '{{queue}} answered'),
        target(increase('switchboard_queue_calls_abandoned_total'), '{{queue}} abandoned'),
      ],
      { description: 'Calls answered and abandoned in the time range shown.' },
    ),
    panel('timeseries', 'Callers waiting and longest wait', { x: 0, y: 6, w: 12, h: 8 }, [
      target(byQueue('switchboard_queue_callers_waiting'), '{{queue}} waiting'),
      target(byQueue('switchboard_queue_longest_wait_seconds'), '{{queue}} longest wait (s)'),
    ]),
    panel(
      'timeseries',
      'Answered and abandoned per minute',
      { x: 12, y: 6, w: 12, h: 8 },
      [
        target(
          `sum by (namespace, queue) (rate(switchboard_queue_calls_answered_total{${NS}}[5m])) * 60`,
          '{{queue}} answered',
        ),
        target(
          `sum by (namespace, queue) (rate(switchboard_queue_calls_abandoned_total{${NS}}[5m])) * 60`,
          '{{queue}} abandoned',
        ),
      ],
      { unit: 'cpm' },
    ),
    row('Agents', 14),
    panel(
      'timeseries',
      'Agents by state',
      { x: 0, y: 15, w: 12, h: 8 },
      [
        target(
          `sum by (state) (max by (namespace, state, reason) (switchboard_agents{${NS}}))`,
          '{{state}}',
        ),
      ],
      { description: 'Available, paused, signed out, and on a call (counted apart).' },
    ),
    panel('timeseries', 'Paused agents by reason', { x: 12, y: 15, w: 12, h: 8 }, [
      target(
        `sum by (reason) (max by (namespace, state, reason) (switchboard_agents{${NS}, state="paused"}))`,
        '{{reason}}',
      ),
    ]),
    row('Operator health', 23),
    panel(
      'stat',
      'Leader',
      { x: 0, y: 24, w: 4, h: 5 },
      [target('sum(switchboard_leader)', 'replicas leading')],
      { description: 'Replicas that hold the leader Lease: 1 when healthy.' },
    ),
    panel(
      'stat',
      'AMI connected',
      { x: 4, y: 24, w: 4, h: 5 },
      [target('max by (host) (switchboard_ami_connected)', '{{host}}')],
      { description: '1 while the operator holds its AMI session to Asterisk.' },
    ),
    panel('stat', 'Caches synced', { x: 8, y: 24, w: 4, h: 5 }, [
      target('min(switchboard_informer_synced)', 'all informers'),
    ]),
    panel('stat', 'History database', { x: 12, y: 24, w: 4, h: 5 }, [
      target('max(switchboard_history_available)', 'available'),
    ]),
    panel('timeseries', 'Work queue depth', { x: 16, y: 24, w: 8, h: 5 }, [
      target('max by (queue) (switchboard_workqueue_depth)', '{{queue}}'),
    ]),
    panel(
      'timeseries',
      'API latency (p95)',
      { x: 0, y: 29, w: 12, h: 8 },
      [
        target(
          'histogram_quantile(0.95, sum by (le, route) (rate(switchboard_api_request_duration_seconds_bucket[5m])))',
          '{{route}}',
        ),
      ],
      { unit: 's' },
    ),
    panel('timeseries', 'Asterisk reloads', { x: 12, y: 29, w: 12, h: 8 }, [
      target(
        'sum by (module, outcome) (increase(switchboard_asterisk_reloads_total[5m]))',
        '{{module}} {{outcome}}',
      ),
    ]),
  ];
  return {
    uid: 'switchboard-call-center',
    title: 'Switchboard call center',
    description: 'Queues, agents and the operator of Switchboard call centers.',
    tags: ['switchboard', 'asterisk', 'call-center'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '10s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
        {
          name: 'namespace',
          label: 'Call center',
          type: 'query',
          datasource: { type: 'prometheus', uid: DATASOURCE },
          query: {
            query: 'label_values(switchboard_agents, namespace)',
            refId: 'namespace',
          },
          definition: 'label_values(switchboard_agents, namespace)',
          includeAll: true,
          multi: true,
          refresh: 2,
          current: {},
          hide: 0,
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

export function renderGrafanaDashboard(): string {
  return `${JSON.stringify(grafanaDashboard(), null, 2)}\n`;
}
