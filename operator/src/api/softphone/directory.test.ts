import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallQueue, SipAgent, WebRTCConfig } from '../../crds/types.ts';
import { directoryOf } from './directory.ts';

const agent = (name: string, displayName: string, extension?: number, suspended = false) =>
  ({
    metadata: { name },
    spec: { displayName, suspended },
    status: extension === undefined ? {} : { extension },
  }) as unknown as SipAgent;
const queue = (name: string, numbers: string[]) =>
  ({ metadata: { name }, spec: {}, status: { numbers } }) as unknown as CallQueue;
const config = {
  spec: { hotline: { number: '117', queue: 'hotline' } },
} as unknown as WebRTCConfig;

describe('directoryOf', () => {
  it('lists the hotline and queues by name, then the other agents who can take a call', () => {
    const entries = directoryOf(
      [
        agent('zoe', 'Zoë Ng', 1003),
        agent('ann', 'Ann Lee', 1001),
        agent('me', 'Me Myself', 1000),
        agent('new', 'Not Yet', undefined),
        agent('off', 'Suspended Sam', 1004, true),
      ],
      [queue('billing', ['120', '121']), queue('claims', ['130']), queue('copy', ['117'])],
      config,
      'me',
    );
    assert.deepEqual(entries, [
      { kind: 'queue', name: 'billing', number: '120' },
      { kind: 'queue', name: 'billing', number: '121' },
      { kind: 'queue', name: 'claims', number: '130' },
      { kind: 'queue', name: 'Hotline', number: '117' },
      { kind: 'agent', name: 'Ann Lee', number: '1001' },
      { kind: 'agent', name: 'Zoë Ng', number: '1003' },
    ]);
  });

  it('has only agents without a WebRTCConfig', () => {
    assert.deepEqual(directoryOf([agent('ann', 'Ann', 1001)], [], undefined, undefined), [
      { kind: 'agent', name: 'Ann', number: '1001' },
    ]);
  });
});
