import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spec } from '../asterisk/render/fixtures.ts';
import type { WebRTCConfig } from '../crds/types.ts';
import { type ConfigFacts, desiredConfigStatus } from './status.ts';

const config = (conditions: NonNullable<WebRTCConfig['status']>['conditions'] = []) =>
  ({
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'WebRTCConfig',
    metadata: { name: 'default', namespace: 'cc', generation: 3 },
    spec: spec(),
    status: { conditions },
  }) as WebRTCConfig;

const facts = (publicNumbers?: ConfigFacts['publicNumbers']): ConfigFacts => ({
  referenceProblems: [],
  agents: 2,
  configHash: 'abc',
  generated: { ok: true },
  asterisk: { state: 'connected', message: 'connected' },
  ...(publicNumbers ? { publicNumbers } : {}),
});

const now = new Date('2026-12-05T08:00:00Z');
const publicAccess = (c: WebRTCConfig, f: ConfigFacts) =>
  desiredConfigStatus(c, f, now).conditions?.find((x) => x.type === 'PublicAccess');

describe('WebRTCConfig status: PublicAccess', () => {
  it('names the numbers guests may call', () => {
    const c = publicAccess(config(), facts({ allowed: ['117', '118'], dropped: [] }));
    assert.equal(c?.status, 'True');
    assert.equal(c?.reason, 'Open');
    assert.equal(c?.message, 'guests may call 117, 118');
    assert.equal(c?.observedGeneration, 3);
  });

  it('says which configured numbers reach no queue, and that guests calling them are refused', () => {
    const some = publicAccess(config(), facts({ allowed: ['117'], dropped: ['1001'] }));
    assert.equal(some?.status, 'True');
    assert.equal(some?.reason, 'NumbersDropped');
    assert.equal(
      some?.message,
      'guests may call 117; 1001 reaches no queue, so guests calling it are refused',
    );
    const none = publicAccess(config(), facts({ allowed: [], dropped: ['1001', '1002'] }));
    assert.equal(none?.status, 'False');
    assert.equal(none?.reason, 'NoPublicNumber');
    assert.match(
      none?.message ?? '',
      /1001, 1002 reach no queue, so guests calling them are refused/,
    );
  });

  it('says when guests may call', () => {
    const c = publicAccess(
      config(),
      facts({ allowed: ['117'], dropped: [], hours: 'mon,tue 08:00-17:00 (Africa/Freetown)' }),
    );
    assert.equal(c?.reason, 'Open');
    assert.equal(c?.message, 'guests may call 117, open mon,tue 08:00-17:00 (Africa/Freetown)');
  });

  it('names an opening-hours time zone nobody knows', () => {
    const c = publicAccess(
      config(),
      facts({ allowed: ['117'], dropped: [], unknownTimeZone: 'Mars/Olympus_Mons' }),
    );
    assert.equal(c?.status, 'False');
    assert.equal(c?.reason, 'UnknownTimeZone');
    assert.match(c?.message ?? '', /openingHours\.timeZone "Mars\/Olympus_Mons" is not a known/);
  });

  it('drops the condition once public access is off', () => {
    const on = desiredConfigStatus(config(), facts({ allowed: ['117'], dropped: [] }), now);
    const off = publicAccess(config(on.conditions), facts());
    assert.equal(off, undefined);
  });
});

describe('WebRTCConfig status: AsteriskConnected', () => {
  const connected = (asterisk: ConfigFacts['asterisk']) =>
    desiredConfigStatus(config(), { ...facts(), asterisk }, now).conditions?.find(
      (x) => x.type === 'AsteriskConnected',
    );

  it('stays True while Asterisk drains, with the reason Draining and why', () => {
    const c = connected({ state: 'connected', message: 'stopping gracefully', draining: true });
    assert.equal(c?.status, 'True');
    assert.equal(c?.reason, 'Draining');
    assert.equal(c?.message, 'stopping gracefully');
    assert.equal(connected({ state: 'connected', message: 'logged in' })?.reason, 'Connected');
    assert.equal(connected({ state: 'disconnected', message: 'gone' })?.status, 'False');
  });
});
