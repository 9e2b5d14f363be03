import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CertificateFacts, WebRTCConfigStatus } from '../crds/types.ts';
import { type CertificateInput, certificateStatus, type Observed } from './status.ts';

const now = new Date('2026-12-06T00:00:00Z');
const cert = (serial: string, notAfter: string): CertificateFacts => ({
  serial,
  subject: 'CN=pbx.example',
  notBefore: '2026-09-01T00:00:00Z',
  notAfter,
  fingerprint: `AA:${serial}`,
});
const old10 = cert('01', '2026-12-16T00:00:00Z'); // 10 days left
const renewed = cert('02', '2027-03-06T00:00:00Z'); // 90 days left
const ok = (facts: CertificateFacts): Observed => ({ ok: true, facts });

const input = (o: Partial<CertificateInput>): CertificateInput => ({
  secretName: 'pbx-tls',
  secret: ok(renewed),
  served: ok(renewed),
  previous: undefined,
  generation: 4,
  now,
  warningDays: 14,
  ...o,
});
const after = (reason: string, certificate?: CertificateFacts): WebRTCConfigStatus => ({
  ...(certificate ? { certificate } : {}),
  conditions: [
    {
      type: 'CertificateServed',
      status: 'True',
      reason,
      message: '',
      lastTransitionTime: '2026-12-01T00:00:00Z',
    },
  ],
});

describe('certificate status', () => {
  it('Served: the Secret’s certificate is the one Asterisk presents', () => {
    const o = certificateStatus(input({}));
    assert.equal(o.condition.status, 'True');
    assert.equal(o.condition.reason, 'Served');
    assert.equal(o.condition.observedGeneration, 4);
    assert.match(o.condition.message, /Secret "pbx-tls": serial 02 .* 90 days left/);
    assert.deepEqual(o.certificate, renewed);
    assert.equal(o.reload, false);
    assert.equal(o.expiring, false);
    assert.deepEqual(o.events, []); // the first observation is no renewal
  });

  it('ExpiringSoon: served with under the warning days left, a warning Event once', () => {
    const o = certificateStatus(input({ secret: ok(old10), served: ok(old10) }));
    assert.equal(o.condition.status, 'True');
    assert.equal(o.condition.reason, 'ExpiringSoon');
    assert.match(o.condition.message, /10 days left \(warning below 14\)/);
    assert.equal(o.expiring, true);
    assert.deepEqual(
      o.events.map((e) => [e.type, e.reason]),
      [['Warning', 'CertificateExpiring']],
    );
    const again = certificateStatus(
      input({ secret: ok(old10), served: ok(old10), previous: after('ExpiringSoon', old10) }),
    );
    assert.deepEqual(again.events, []);
    // exactly at the threshold it is no warning any more
    const atThreshold = certificateStatus(
      input({ warningDays: 10, secret: ok(old10), served: ok(old10) }),
    );
    assert.equal(atThreshold.condition.reason, 'Served');
  });

  it('RenewalPending: the Secret changed, Asterisk still serves the old one: reload', () => {
    const o = certificateStatus(
      input({ served: ok(old10), previous: after('ExpiringSoon', old10) }),
    );
    assert.equal(o.condition.status, 'False');
    assert.equal(o.condition.reason, 'RenewalPending');
    assert.match(o.condition.message, /holds serial 02 .*still serves serial 01/);
    assert.equal(o.reload, true);
    assert.equal(o.expiring, true); // what browsers get still expires soon
    assert.deepEqual(o.certificate, old10);
    assert.deepEqual(o.events, []);
  });

  it('warns once when a renewal stays pending until the served certificate runs low', () => {
    const served = ok(old10);
    // renewed at 30 days left, never mounted: pending, no warning yet
    const early = certificateStatus(
      input({ served, now: new Date('2026-11-16T00:00:00Z'), previous: after('Served', old10) }),
    );
    assert.equal(early.condition.reason, 'RenewalPending');
    assert.equal(early.expiring, false);
    assert.deepEqual(early.events, []);
    // still pending with 10 days left: one warning naming what is served
    const late = certificateStatus(input({ served, previous: after('RenewalPending', old10) }));
    assert.equal(late.condition.reason, 'RenewalPending');
    assert.deepEqual(
      late.events.map((e) => e.reason),
      ['CertificateExpiring'],
    );
    assert.match(late.events[0]?.note ?? '', /serves serial 01 .*10 days left/);
    assert.equal(late.warned, true);
    const again = certificateStatus(
      input({
        served,
        previous: after('RenewalPending', old10),
        warnedFingerprint: old10.fingerprint,
      }),
    );
    assert.deepEqual(again.events, []);
  });

  it('CertificateRenewed once the served certificate changes, and the warning ends', () => {
    const o = certificateStatus(input({ previous: after('RenewalPending', old10) }));
    assert.equal(o.condition.reason, 'Served');
    assert.equal(o.expiring, false);
    assert.deepEqual(
      o.events.map((e) => [e.type, e.reason]),
      [['Normal', 'CertificateRenewed']],
    );
    assert.match(o.events[0]?.note ?? '', /serves serial 02 .*replacing serial 01/);
  });

  it('Expired: a warning Event once, and still a reload when the Secret has a new one', () => {
    const gone = cert('00', '2026-12-05T00:00:00Z');
    const o = certificateStatus(input({ served: ok(gone), previous: after('ExpiringSoon', gone) }));
    assert.equal(o.condition.status, 'False');
    assert.equal(o.condition.reason, 'Expired');
    assert.equal(o.reload, true);
    assert.equal(o.expiring, true);
    assert.deepEqual(
      o.events.map((e) => e.reason),
      ['CertificateExpired'],
    );
    const again = certificateStatus(input({ served: ok(gone), previous: after('Expired', gone) }));
    assert.deepEqual(again.events, []);
  });

  it('Unreachable keeps the last certificate known and reloads nothing', () => {
    const o = certificateStatus(
      input({
        served: { ok: false, message: 'connect ECONNREFUSED 10.0.0.7:8089' },
        previous: after('Served', renewed),
      }),
    );
    assert.equal(o.condition.status, 'Unknown');
    assert.equal(o.condition.reason, 'Unreachable');
    assert.match(o.condition.message, /ECONNREFUSED/);
    assert.deepEqual(o.certificate, renewed);
    assert.equal(o.reload, false);
    assert.deepEqual(o.events, []);
  });

  it('SecretProblem names the Secret; the served certificate is still reported', () => {
    const o = certificateStatus(
      input({ secret: { ok: false, message: 'not found' }, served: ok(old10) }),
    );
    assert.equal(o.condition.status, 'False');
    assert.equal(o.condition.reason, 'SecretProblem');
    assert.equal(o.condition.message, 'Secret "pbx-tls": not found');
    assert.deepEqual(o.certificate, old10);
    assert.equal(o.expiring, true);
    assert.equal(o.reload, false, 'a broken Secret is never loaded');
    assert.ok(
      o.events.some((e) => e.reason === 'CertificateSecretProblem' && e.type === 'Warning'),
    );
    const previous: WebRTCConfigStatus = {
      conditions: [{ ...o.condition, lastTransitionTime: '2026-12-06T00:00:00Z' }],
    };
    const again = certificateStatus(
      input({ secret: { ok: false, message: 'not found' }, served: ok(old10), previous }),
    );
    assert.ok(!again.events.some((e) => e.reason === 'CertificateSecretProblem'), 'once');
  });
});
