import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sipTrunk } from './fixtures.ts';
import type { ResolvedTrunk } from './resolve.ts';
import { desiredTrunkStatus, type RegistrationView } from './status.ts';

const now = new Date('2026-03-01T00:00:00Z');
const resolved = (extra: Partial<ResolvedTrunk> = {}): ResolvedTrunk => ({
  name: 'carrier',
  credentials: { state: 'ok', credentials: { username: 'acct', password: 'pw-123456' } },
  ca: { state: 'none' },
  routes: [{ number: '117', hotline: true }],
  conflicts: [],
  missing: [],
  outbound: 'off',
  shadowed: [],
  ...extra,
});
const registers = sipTrunk('carrier', {
  credentialsSecret: { name: 'creds' },
  register: true,
  routes: [{ number: '117', hotline: true }],
});
const known = (status?: string): RegistrationView => ({ known: true, status });
const cond = (s: ReturnType<typeof desiredTrunkStatus>, type: string) =>
  s.conditions?.find((c) => c.type === type);

describe('desiredTrunkStatus', () => {
  it('is Ready and Registered when Asterisk says so', () => {
    const s = desiredTrunkStatus(registers, resolved(), true, known('Registered'), now);
    assert.equal(cond(s, 'Ready')?.status, 'True');
    assert.equal(cond(s, 'Ready')?.message, 'numbers: 117');
    assert.equal(cond(s, 'Registered')?.status, 'True');
    assert.equal(s.registered, true);
    assert.equal(s.registration, 'Registered');
    assert.deepEqual(s.numbers, ['117']);
    assert.equal(s.observedGeneration, 1);
  });

  it('names what is wrong, in order: no config, credentials, conflicts, missing targets', () => {
    const ready = (r: ResolvedTrunk, hasConfig = true) =>
      cond(desiredTrunkStatus(registers, r, hasConfig, known('Registered'), now), 'Ready');
    assert.equal(ready(resolved(), false)?.reason, 'NoWebRTCConfig');
    const missingSecret = ready(
      resolved({
        credentials: {
          state: 'problem',
          reason: 'SecretNotFound',
          message: 'spec.credentialsSecret: Secret "creds" not found',
        },
      }),
    );
    assert.equal(missingSecret?.reason, 'SecretNotFound');
    assert.match(
      missingSecret?.message ?? '',
      /Secret "creds" not found; the trunk is not configured/,
    );
    const conflict = ready(resolved({ conflicts: [{ number: '117', trunk: 'older' }] }));
    assert.equal(conflict?.reason, 'NumberConflict');
    assert.match(conflict?.message ?? '', /117 is already routed by SipTrunk older/);
    const missing = ready(resolved({ missing: [{ number: '118', target: 'CallQueue "sales"' }] }));
    assert.equal(missing?.reason, 'RouteTargetMissing');
    assert.equal(
      missing?.message,
      'route 118: CallQueue "sales" does not exist; calls to it are refused as unallocated',
    );
  });

  it('shows a refused or unknown registration, and none for a trunk that does not register', () => {
    const rejected = desiredTrunkStatus(registers, resolved(), true, known('Rejected'), now);
    assert.equal(rejected.registered, false);
    assert.equal(cond(rejected, 'Registered')?.reason, 'Rejected');
    const unknown = desiredTrunkStatus(
      registers,
      resolved(),
      true,
      { known: false, reason: 'the AMI connection to Asterisk is down' },
      now,
    );
    assert.equal(unknown.registered, undefined);
    assert.equal(cond(unknown, 'Registered')?.status, 'Unknown');
    const notYet = desiredTrunkStatus(registers, resolved(), true, known(undefined), now);
    assert.equal(notYet.registration, 'Unregistered');
    assert.match(cond(notYet, 'Registered')?.message ?? '', /not loaded the registration yet/);
    // register turned off: the Registered condition and fields go
    const quiet = desiredTrunkStatus(
      { ...registers, spec: { ...registers.spec, register: false }, status: rejected },
      resolved(),
      true,
      known('Registered'),
      now,
    );
    assert.equal(cond(quiet, 'Registered'), undefined);
    assert.equal(quiet.registered, undefined);
  });

  it('never writes a password into status', () => {
    const s = desiredTrunkStatus(registers, resolved(), true, known('Registered'), now);
    assert.ok(!JSON.stringify(s).includes('pw-123456'));
  });
  it('says when an emergency number rings inside, only for the trunk carrying calls out', () => {
    const calls = sipTrunk('carrier', {
      outbound: { callerId: '+23222000000', countryCode: '232', emergencyNumbers: ['112', '117'] },
    });
    const shadowed = [{ number: '117', by: 'the hotline number' }];
    const bad = desiredTrunkStatus(
      calls,
      resolved({ outbound: 'active', shadowed }),
      true,
      known(),
      now,
    );
    assert.equal(cond(bad, 'EmergencyNumbersReachable')?.status, 'False');
    assert.equal(cond(bad, 'EmergencyNumbersReachable')?.reason, 'Shadowed');
    assert.match(
      cond(bad, 'EmergencyNumbersReachable')?.message ?? '',
      /^emergency number 117 is the hotline number: agents dialling it reach that/,
    );
    assert.equal(cond(bad, 'Ready')?.status, 'True', 'calls still go out');
    const good = desiredTrunkStatus(calls, resolved({ outbound: 'active' }), true, known(), now);
    assert.equal(cond(good, 'EmergencyNumbersReachable')?.status, 'True');
    // no longer carrying calls out: the condition goes
    const off = desiredTrunkStatus({ ...calls, status: good }, resolved(), true, known(), now);
    assert.equal(cond(off, 'EmergencyNumbersReachable'), undefined);
  });

  it('a tls trunk without a usable CA is not configured, and says why', () => {
    const tls = sipTrunk('carrier', {
      transport: 'tls',
      tls: { caSecret: { name: 'carrier-ca' } },
      credentialsSecret: { name: 'creds' },
      register: true,
      routes: [{ number: '117', hotline: true }],
    });
    const s = desiredTrunkStatus(
      tls,
      resolved({
        ca: {
          state: 'problem',
          reason: 'CAKeyMissing',
          message: 'spec.tls.caSecret: Secret "carrier-ca" has no key "ca.crt"',
        },
      }),
      true,
      known('Registered'),
      now,
    );
    assert.equal(cond(s, 'Ready')?.reason, 'CAKeyMissing');
    assert.match(
      cond(s, 'Ready')?.message ?? '',
      /^spec\.tls\.caSecret: .*not configured in Asterisk$/,
    );
    assert.deepEqual(s.numbers, []);
    assert.equal(cond(s, 'Registered'), undefined, 'nothing registers');
    assert.equal(cond(s, 'CarrierVerified'), undefined);
  });

  it('reports the operator’s check of the carrier’s certificate (tls) in CarrierVerified', () => {
    const tls = sipTrunk('carrier', { transport: 'tls', tls: { caSecret: { name: 'ca' } } });
    const ok = { ...resolved(), ca: { state: 'ok', pem: 'x' } } as ResolvedTrunk;
    const untrusted = desiredTrunkStatus(tls, ok, true, known(), now, {
      carrier: { ok: false, reason: 'CertificateUntrusted', message: 'does not chain' },
    });
    assert.equal(cond(untrusted, 'CarrierVerified')?.status, 'False');
    assert.equal(cond(untrusted, 'CarrierVerified')?.reason, 'CertificateUntrusted');
    const unchecked = desiredTrunkStatus(tls, ok, true, known(), now);
    assert.equal(cond(unchecked, 'CarrierVerified')?.status, 'Unknown');
    const udp = desiredTrunkStatus(registers, resolved(), true, known(), now, {
      carrier: { ok: true, message: 'fine' },
    });
    assert.equal(cond(udp, 'CarrierVerified'), undefined, 'only tls trunks');
  });

  it('follows the carrier’s answers to OPTIONS in Reachable and status.reachable', () => {
    const reach = (status: string | undefined) =>
      desiredTrunkStatus(registers, resolved(), true, known('Registered'), now, {
        reachable: { known: true, status },
      });
    assert.equal(registers.spec.qualifySeconds, 10, 'qualified by default');
    assert.equal(cond(reach('Reachable'), 'Reachable')?.status, 'True');
    assert.equal(reach('Reachable').reachable, true);
    const lost = reach('Unreachable');
    assert.equal(cond(lost, 'Reachable')?.status, 'False');
    assert.match(
      cond(lost, 'Reachable')?.message ?? '',
      /did not answer .*OPTIONS \(sent every 10 s\)/,
    );
    assert.equal(lost.reachable, false);
    assert.equal(cond(reach(undefined), 'Reachable')?.status, 'Unknown');
    assert.equal(reach(undefined).reachable, undefined);
    const off = sipTrunk('carrier', { qualifySeconds: 0 });
    const none = desiredTrunkStatus(off, resolved(), true, known(), now, {
      reachable: { known: true, status: 'Unreachable' },
    });
    assert.equal(cond(none, 'Reachable'), undefined);
    assert.equal(none.reachable, undefined);
  });
});
