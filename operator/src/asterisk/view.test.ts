import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsteriskView } from './view.ts';

const GRACE = 30;

const watch = (view: AsteriskView) => {
  const seen: (readonly string[] | 'all')[] = [];
  view.onAgentsChanged((_ns, agents) => seen.push(agents));
  return seen;
};

describe('AsteriskView', () => {
  it('explains why an agent is not provisioned, most basic cause first', async () => {
    const view = new AsteriskView({ outageGraceMs: GRACE });
    const unseen = view.provisioned('ns', 'a', 'u/1');
    assert.deepEqual(
      [unseen.status, unseen.reason],
      ['Unknown', 'Applying'],
      'a namespace the config controller has not reached yet is pending, not unconfigured',
    );
    view.setConnection('ns', { state: 'unconfigured', message: 'spec.ami.secretName is not set' });
    assert.equal(view.provisioned('ns', 'a', 'u/1').reason, 'AsteriskNotConfigured');
    view.setConnection('ns', { state: 'connecting', message: 'connecting to AMI at x:5038' });
    assert.equal(
      view.provisioned('ns', 'a', 'u/1').reason,
      'Applying',
      'a first attempt is pending',
    );
    view.setConnection('ns', { state: 'disconnected', message: 'AMI at x:5038: refused' });
    assert.equal(view.provisioned('ns', 'a', 'u/1').reason, 'Applying', 'within the grace');
    await sleep(GRACE * 3);
    const down = view.provisioned('ns', 'a', 'u/1');
    assert.deepEqual([down.status, down.reason], ['False', 'AsteriskNotConnected']);
    assert.match(down.message, /refused/);
    view.setConnection('ns', { state: 'connected', message: 'logged in' });
    assert.equal(
      view.provisioned('ns', 'a', 'u/1').reason,
      'AsteriskNotConnected',
      'until Asterisk confirms a reload after the reconnect',
    );
    view.confirm('ns', 'v1', new Map(), new Map(), new Set());
    assert.equal(view.provisioned('ns', 'a', 'u/1').status, 'Unknown');
    view.setPhase('ns', { phase: 'not-visible', message: 'stale pjsip_endpoints_01.conf' });
    assert.equal(view.provisioned('ns', 'a', 'u/1').reason, 'ConfigNotVisible');
  });

  it('counts a confirmation only for the rendering it confirmed', () => {
    const view = new AsteriskView();
    view.setConnection('ns', { state: 'connected', message: 'logged in' });
    const seen = watch(view);
    view.confirm(
      'ns',
      'v1',
      new Map([
        ['a', 'ua/1'],
        ['b', 'ub/1'],
      ]),
      new Map([
        ['a', 'ua'],
        ['b', 'ub'],
      ]),
      new Set(['ua']),
    );
    assert.deepEqual(seen, [['a', 'b']]);
    assert.equal(view.provisioned('ns', 'a', 'ua/1').status, 'True');
    assert.equal(view.provisioned('ns', 'b', 'ub/1').reason, 'NotLoaded');
    assert.equal(view.provisioned('ns', 'a', 'ua/2').status, 'Unknown', 'a newer generation');
    const before = view.provisioned('ns', 'a', 'ua/1');
    view.confirm('ns', 'v2', new Map([['a', 'ua/1']]), new Map([['a', 'ua']]), new Set(['ua']));
    assert.deepEqual(seen.at(-1), ['b'], 'only b changed');
    assert.deepEqual(
      view.provisioned('ns', 'a', 'ua/1'),
      before,
      'an unchanged agent keeps the version it was loaded in: no status write per reload',
    );
    assert.match(before.message, /configuration v1/);
    view.confirm('ns', 'v3', new Map([['a', 'ua/2']]), new Map([['a', 'ua']]), new Set(['ua']));
    assert.match(view.provisioned('ns', 'a', 'ua/2').message, /configuration v3/);
  });

  it('does not wake every agent when only the waiting details change', () => {
    const view = new AsteriskView();
    view.setConnection('ns', { state: 'connected', message: 'logged in' });
    const seen = watch(view);
    view.setPhase('ns', { phase: 'waiting', message: 'v1' });
    view.setPhase('ns', { phase: 'reloading', message: 'v1' });
    view.setPhase('ns', { phase: 'idle' });
    assert.deepEqual(seen, []);
    view.setPhase('ns', { phase: 'failed', message: 'GetConfig timed out' });
    assert.deepEqual(seen, ['all']);
  });

  it('tracks contacts per endpoint and tells the owning agent', () => {
    const view = new AsteriskView();
    view.setOwners('ns', new Map([['a', 'ua']]));
    const seen = watch(view);
    view.contactChanged('ns', 'ua', 'sip:1', 'NonQualified');
    view.contactChanged('ns', 'ua', 'sip:1', 'NonQualified');
    view.contactChanged('ns', 'stranger', 'sip:9', 'NonQualified');
    assert.deepEqual(seen, [['a']]);
    assert.deepEqual(view.registration('ns', 'ua'), { registered: true, contacts: 1 });
    view.contactChanged('ns', 'ua', 'sip:1', 'Unreachable');
    assert.deepEqual(view.registration('ns', 'ua'), { registered: false, contacts: 1 });
    view.resetContacts('ns', []);
    assert.deepEqual(view.registration('ns', 'ua'), { registered: false, contacts: 0 });
    assert.deepEqual(seen.at(-1), ['a']);
  });

  /** A namespace with agents a (loaded, registered) and b (loaded), connected. */
  const provisionedNamespace = () => {
    const view = new AsteriskView({ outageGraceMs: GRACE });
    view.setConnection('ns', { state: 'connected', message: 'logged in to AMI at x:5038' });
    const agents = new Map([
      ['a', 'ua/1'],
      ['b', 'ub/1'],
    ]);
    const endpoints = new Map([
      ['a', 'ua'],
      ['b', 'ub'],
    ]);
    view.setOwners('ns', endpoints);
    view.confirm('ns', 'v1', agents, endpoints, new Set(['ua', 'ub']));
    view.resetContacts('ns', [{ endpoint: 'ua', uri: 'sip:1', status: 'NonQualified' }]);
    const reapply = (version = 'v1') =>
      view.confirm('ns', version, agents, endpoints, new Set(['ua', 'ub']));
    return { view, seen: watch(view), reapply };
  };

  it('lets a blip within the grace pass without telling any agent', async () => {
    const { view, seen, reapply } = provisionedNamespace();
    view.setConnection('ns', {
      state: 'disconnected',
      message: 'AMI at x:5038: connection closed',
    });
    view.setPhase('ns', { phase: 'failed', message: 'AMI connection lost during GetConfig' });
    view.setConnection('ns', { state: 'connecting', message: 'AMI at x:5038: connecting' });
    assert.equal(view.provisioned('ns', 'a', 'ua/1').status, 'True');
    assert.deepEqual(view.registration('ns', 'ua'), { registered: true, contacts: 1 });
    view.setConnection('ns', { state: 'connected', message: 'logged in to AMI at x:5038' });
    view.resetContacts('ns', [{ endpoint: 'ua', uri: 'sip:1', status: 'NonQualified' }]);
    reapply('v2'); // the reload after every reconnect
    await sleep(GRACE * 3);
    assert.deepEqual(seen, [], 'no agent to write');
    assert.match(view.provisioned('ns', 'a', 'ua/1').message, /configuration v1/);
  });

  it('shows an outage on every agent once, and its end once', async () => {
    const { view, seen, reapply } = provisionedNamespace();
    view.setConnection('ns', {
      state: 'disconnected',
      message: 'AMI at x:5038: connection closed',
    });
    view.setConnection('ns', {
      state: 'disconnected',
      message: 'AMI at x:5038: connection closed (connect ECONNREFUSED x:5038)',
    });
    await sleep(GRACE * 3);
    assert.deepEqual(seen, ['all']);
    for (const [agent, fingerprint] of [
      ['a', 'ua/1'],
      ['b', 'ub/1'],
    ] as const) {
      const p = view.provisioned('ns', agent, fingerprint);
      assert.deepEqual([p.status, p.reason], ['False', 'AsteriskNotConnected']);
      assert.match(p.message, /AMI at x:5038: connection closed \(connect ECONNREFUSED x:5038\)/);
    }
    assert.deepEqual(view.registration('ns', 'ua'), { registered: false, contacts: 0 });

    // Retries failing differently, the reconnect and the contacts read again: nothing
    // for the agents until Asterisk has reloaded (each would be 10,000 writes).
    view.setConnection('ns', { state: 'connecting', message: 'AMI at x:5038: connecting' });
    view.setConnection('ns', { state: 'disconnected', message: 'AMI at x:5038: login refused' });
    view.setPhase('ns', { phase: 'failed', message: 'AMI connection lost during GetConfig' });
    await sleep(GRACE * 3);
    view.setConnection('ns', { state: 'connected', message: 'logged in to AMI at x:5038' });
    view.resetContacts('ns', [{ endpoint: 'ua', uri: 'sip:1', status: 'NonQualified' }]);
    view.setPhase('ns', { phase: 'reloading', message: 'v1' });
    assert.deepEqual(seen, ['all']);
    assert.match(view.provisioned('ns', 'a', 'ua/1').message, /connect ECONNREFUSED/, 'stable');

    reapply();
    view.setPhase('ns', { phase: 'idle' });
    assert.deepEqual(seen, ['all', 'all']);
    assert.equal(view.provisioned('ns', 'a', 'ua/1').status, 'True');
    assert.deepEqual(view.registration('ns', 'ua'), { registered: true, contacts: 1 });
    reapply('v2');
    assert.deepEqual(seen, ['all', 'all'], 'and no write per reload afterwards');
  });

  it('ends an outage with the failure when the re-apply after the reconnect fails', async () => {
    const { view, seen } = provisionedNamespace();
    view.setConnection('ns', {
      state: 'disconnected',
      message: 'AMI at x:5038: connection closed',
    });
    await sleep(GRACE * 3);
    view.setConnection('ns', { state: 'connected', message: 'logged in to AMI at x:5038' });
    view.setPhase('ns', { phase: 'failed', message: 'applying configuration failed: timeout' });
    assert.deepEqual(seen, ['all', 'all']);
    assert.equal(view.provisioned('ns', 'a', 'ua/1').reason, 'ApplyFailed');
  });

  it('forgets what Asterisk had once no Asterisk is configured', () => {
    const { view, seen } = provisionedNamespace();
    view.setConnection('ns', { state: 'disconnected', message: 'AMI at x:5038: disconnected' });
    view.setConnection('ns', { state: 'unconfigured', message: 'spec.ami.secretName is not set' });
    assert.deepEqual(seen, ['all']);
    assert.equal(view.provisioned('ns', 'a', 'ua/1').reason, 'AsteriskNotConfigured');
    assert.deepEqual(view.registration('ns', 'ua'), { registered: false, contacts: 0 });
  });
});
