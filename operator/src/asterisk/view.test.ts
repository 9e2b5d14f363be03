import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsteriskView } from './view.ts';

const watch = (view: AsteriskView) => {
  const seen: (readonly string[] | 'all')[] = [];
  view.onAgentsChanged((_ns, agents) => seen.push(agents));
  return seen;
};

describe('AsteriskView', () => {
  it('explains why an agent is not provisioned, most basic cause first', () => {
    const view = new AsteriskView();
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
    const down = view.provisioned('ns', 'a', 'u/1');
    assert.deepEqual([down.status, down.reason], ['False', 'AsteriskNotConnected']);
    assert.match(down.message, /refused/);
    view.setConnection('ns', { state: 'connected', message: 'logged in' });
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
});
