import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pointerToField } from './errors.ts';
import { validateSipAgent, validateWebRTCConfig } from './validators.ts';

const apiVersion = 'switchboard.dev/v1alpha1';

describe('validators derived from the CRDs', () => {
  it('apply schema defaults like the API server, without touching the input', () => {
    const input = {
      apiVersion,
      kind: 'SipAgent',
      metadata: { name: 'a' },
      spec: { displayName: 'John Doe' },
    };
    const result = validateSipAgent(input);
    assert.ok(result.ok);
    assert.deepEqual(result.value.spec, {
      displayName: 'John Doe',
      codecs: ['opus', 'ulaw', 'alaw'],
      suspended: false,
      callWaiting: false,
      maxContacts: 1,
    });
    assert.deepEqual(input.spec, { displayName: 'John Doe' });
  });

  it('fill nested defaults before evaluating CEL rules that read them', () => {
    const result = validateWebRTCConfig({
      apiVersion,
      kind: 'WebRTCConfig',
      metadata: { name: 'default' },
      spec: { asteriskWsUrl: 'ws://127.0.0.1:8088/ws' },
    });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.value.spec.hotline, { number: '117', queue: 'support' });
    assert.deepEqual(result.value.spec.extensions, { start: 1000, end: 8999 });
  });

  it('report every bad field of one object, each with its path', () => {
    const result = validateSipAgent({
      apiVersion,
      kind: 'SipAgent',
      metadata: { name: 'a' },
      spec: { displayName: '', extension: 7, surprise: true },
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual([...new Set(result.errors.map((e) => e.field))].sort(), [
      'spec.displayName',
      'spec.extension',
      'spec.surprise',
    ]);
  });

  it('evaluate CEL with integers as CEL ints (hotline outside the range passes)', () => {
    const spec = {
      asteriskWsUrl: 'wss://pbx.example.org/ws',
      hotline: { number: '9000' },
      extensions: { start: 1000, end: 8999 },
    };
    assert.ok(
      validateWebRTCConfig({
        apiVersion,
        kind: 'WebRTCConfig',
        metadata: { name: 'default' },
        spec,
      }).ok,
    );
  });

  it('turn JSON pointers into API-server field paths', () => {
    assert.equal(
      pointerToField('/spec/iceServers/turnServers/0/urls/1'),
      'spec.iceServers.turnServers[0].urls[1]',
    );
    assert.equal(pointerToField(''), '');
  });
});
