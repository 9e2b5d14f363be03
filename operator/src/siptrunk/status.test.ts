import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sipTrunk } from './fixtures.ts';
import type { ResolvedTrunk } from './resolve.ts';
import { desiredTrunkStatus, type RegistrationView } from './status.ts';

const now = new Date('2026-03-01T00:00:00Z');
const resolved = (extra: Partial<ResolvedTrunk> = {}): ResolvedTrunk => ({
  name: 'carrier',
  credentials: { state: 'ok', credentials: { username: 'acct', password: 'pw-123456' } },
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
});
