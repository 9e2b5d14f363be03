import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebRTCConfig } from '../crds/types.ts';
import {
  CHART_VALUES_ANNOTATION,
  canonicalJson,
  chartDefaultsApplied,
  chartDefaultsObject,
  parseChartDefaults,
} from './chart-defaults.ts';

// Only some fields, as values with empty ICE servers, NAT and DTLS give them.
const chartSpec = {
  asteriskWsUrl: 'wss://pbx.example.org:8089/ws',
  transports: { ws: false, wss: true },
  hotline: { number: '500', queue: 'sales' },
  ami: { host: 'pbx-ami', port: 15038, secretName: 'pbx-ami' },
};

const withAnnotation = (value: string | undefined) =>
  ({
    metadata: {
      name: 'default',
      namespace: 'cc',
      ...(value ? { annotations: { [CHART_VALUES_ANNOTATION]: value } } : {}),
    },
  }) as WebRTCConfig;

describe('WEBRTC_CONFIG_DEFAULTS', () => {
  it('is optional: unset or empty means the chart leaves the WebRTCConfig alone', () => {
    assert.equal(parseChartDefaults(undefined), undefined);
    assert.equal(parseChartDefaults('  '), undefined);
  });

  it('keeps exactly the fields the values set (no schema defaults added)', () => {
    const parsed = parseChartDefaults(JSON.stringify(chartSpec));
    assert.equal(parsed?.spec.iceServers, undefined);
    assert.deepEqual(parsed?.spec, chartSpec);
    assert.match(parsed?.fingerprint ?? '', /^sha256:[0-9a-f]{64}$/);
  });

  it('fingerprints the values, not their key order', () => {
    const a = parseChartDefaults(JSON.stringify(chartSpec));
    const reordered = Object.fromEntries(Object.entries(chartSpec).reverse());
    const b = parseChartDefaults(JSON.stringify(reordered));
    assert.equal(a?.fingerprint, b?.fingerprint);
    const c = parseChartDefaults(
      JSON.stringify({ ...chartSpec, hotline: { number: '501', queue: 'sales' } }),
    );
    assert.notEqual(c?.fingerprint, a?.fingerprint);
    assert.equal(canonicalJson({ b: [{ d: 1, c: 2 }], a: null }), '{"a":null,"b":[{"c":2,"d":1}]}');
  });

  it('refuses bad JSON, a non-object and an invalid spec, naming the variable and the field', () => {
    assert.throws(
      () => parseChartDefaults('{"asteriskWsUrl":'),
      /^Error: WEBRTC_CONFIG_DEFAULTS is not valid JSON: /,
    );
    assert.throws(() => parseChartDefaults('[]'), /WEBRTC_CONFIG_DEFAULTS must be a JSON object/);
    assert.throws(
      () =>
        parseChartDefaults(JSON.stringify({ ...chartSpec, rtp: { portStart: 80, portEnd: 90 } })),
      /WEBRTC_CONFIG_DEFAULTS is not a valid WebRTCConfig spec: spec\.rtp\.portStart: /,
    );
    assert.throws(
      () => parseChartDefaults(JSON.stringify({ transports: { ws: true } })),
      /spec\.asteriskWsUrl: is required/,
    );
    assert.throws(
      () => parseChartDefaults(JSON.stringify({ ...chartSpec, hotlien: {} })),
      /spec\.hotlien: unknown field/,
    );
  });
});

describe('the applied WebRTCConfig', () => {
  const defaults = parseChartDefaults(JSON.stringify(chartSpec));
  assert.ok(defaults);

  it('is "default" in the release namespace with the values and their fingerprint', () => {
    const body = chartDefaultsObject('cc', defaults);
    assert.deepEqual(body, {
      apiVersion: 'switchboard.dev/v1alpha1',
      kind: 'WebRTCConfig',
      metadata: {
        name: 'default',
        namespace: 'cc',
        annotations: { 'switchboard.dev/chart-values': defaults.fingerprint },
      },
      spec: chartSpec,
    });
  });

  it('counts as applied only when it carries the same fingerprint', () => {
    assert.equal(chartDefaultsApplied(undefined, defaults), false);
    assert.equal(chartDefaultsApplied(withAnnotation(undefined), defaults), false);
    assert.equal(chartDefaultsApplied(withAnnotation('sha256:0'), defaults), false);
    assert.equal(chartDefaultsApplied(withAnnotation(defaults.fingerprint), defaults), true);
  });
});
