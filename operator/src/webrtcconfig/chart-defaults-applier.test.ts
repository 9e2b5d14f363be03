import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventRecorder, EventTarget } from '../clients/events.ts';
import type { WebRTCConfig } from '../crds/types.ts';
import { silentLogger } from '../log.ts';
import { CHART_VALUES_ANNOTATION, parseChartDefaults } from './chart-defaults.ts';
import { createChartDefaultsApplier } from './chart-defaults-applier.ts';

const defaults = parseChartDefaults(
  JSON.stringify({ asteriskWsUrl: 'wss://pbx.example.org:8089/ws', hotline: { number: '500' } }),
);
assert.ok(defaults);

const apiError = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code });

function harness(answers: (Error | undefined)[], current?: WebRTCConfig) {
  const calls: Record<string, unknown>[] = [];
  const events: { target: EventTarget; reason: string }[] = [];
  const recorder: EventRecorder = {
    normal: (target, reason) => events.push({ target, reason }),
    warning: (target, reason) => events.push({ target, reason }),
  };
  const applier = createChartDefaultsApplier({
    custom: {
      patchNamespacedCustomObject: async (params: Record<string, unknown>) => {
        calls.push(params);
        const answer = answers.shift();
        if (answer) throw answer;
        return { ...(params.body as object), metadata: { name: 'default', uid: 'u1' } };
      },
    } as never,
    events: recorder,
    logger: silentLogger,
    namespace: 'cc',
    defaults: defaults as NonNullable<typeof defaults>,
    current: () => current,
    retryBaseMs: 1,
    retryMaxMs: 5,
  });
  return { applier, calls, events };
}

describe('applying the chart values', () => {
  it('retries while the kind is not served (404), then applies once with its field manager, forced', async () => {
    const { applier, calls, events } = harness([apiError(404), apiError(404)]);
    applier.start();
    await applier.settled;
    assert.equal(calls.length, 3);
    assert.equal(calls[2]?.fieldManager, 'switchboard-chart-values');
    assert.equal(calls[2]?.force, true);
    assert.equal(calls[2]?.namespace, 'cc');
    assert.equal(calls[2]?.name, 'default');
    assert.deepEqual(
      events.map((e) => e.reason),
      ['ChartValuesApplied'],
    );
    assert.equal(events[0]?.target.metadata.uid, 'u1');
  });

  it('does nothing when the object already carries the same values', async () => {
    const current = {
      metadata: {
        name: 'default',
        annotations: { [CHART_VALUES_ANNOTATION]: defaults.fingerprint },
      },
    } as unknown as WebRTCConfig;
    const { applier, calls, events } = harness([], current);
    applier.start();
    await applier.settled;
    assert.equal(calls.length, 0);
    assert.equal(events.length, 0);
  });

  it('gives up on a refusal of the object itself (422) and stops retrying when stopped', async () => {
    const refused = harness([apiError(422)]);
    refused.applier.start();
    await refused.applier.settled;
    assert.equal(refused.calls.length, 1);
    assert.equal(refused.events.length, 0);

    const failing = harness(Array.from({ length: 1000 }, () => apiError(503)));
    failing.applier.start();
    await failing.applier.stop();
    const made = failing.calls.length;
    assert.ok(made >= 1);
    await failing.applier.settled;
    assert.equal(failing.calls.length, made, 'no call after stop');
  });
});
