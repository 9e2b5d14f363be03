import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SipAgent } from '../../crds/types.ts';
import { lineStateOf, sameLineState } from './line-state.ts';

function agent(name: string, extra: Partial<SipAgent> = {}): SipAgent {
  return {
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'SipAgent',
    metadata: { name, namespace: 'cc', ...extra.metadata },
    spec: { displayName: name, codecs: ['opus'], suspended: false, maxContacts: 1, ...extra.spec },
    status: { extension: 1000, sipUsername: `${name}_1700000000`, ...extra.status },
  };
}

describe('lineStateOf', () => {
  it('is active with the current username and extension', () => {
    assert.deepEqual(lineStateOf(agent('jane', { status: { registered: true } })), {
      state: 'active',
      username: 'jane_1700000000',
      extension: 1000,
      registered: true,
      provisioned: null,
    });
  });

  it('says whether Asterisk has loaded the endpoint of the username it names', () => {
    const withProvisioned = (status: 'True' | 'False' | 'Unknown') =>
      agent('jane', {
        status: {
          conditions: [
            {
              type: 'Provisioned',
              status,
              reason: status === 'True' ? 'Loaded' : 'Applying',
              message: '',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      });
    assert.equal(lineStateOf(withProvisioned('True')).provisioned, true);
    assert.equal(lineStateOf(withProvisioned('Unknown')).provisioned, false);
    assert.equal(lineStateOf(withProvisioned('False')).provisioned, false);
    // no username, nothing to be provisioned for
    const noName = withProvisioned('True');
    delete noName.status?.sipUsername;
    assert.equal(lineStateOf(noName).provisioned, null);
  });

  it('says suspended, and deleted for a missing, deleted or terminating agent', () => {
    assert.equal(
      lineStateOf(agent('jane', { spec: { suspended: true } as never })).state,
      'suspended',
    );
    assert.equal(lineStateOf(undefined).state, 'deleted');
    assert.equal(lineStateOf(agent('jane'), true).state, 'deleted');
    const terminating = agent('jane', {
      metadata: { name: 'jane', namespace: 'cc', deletionTimestamp: '2026-01-01T00:00:00Z' },
    });
    assert.equal(lineStateOf(terminating).state, 'deleted');
  });

  it('compares field by field', () => {
    const a = lineStateOf(agent('jane'));
    assert.equal(sameLineState(undefined, a), false);
    assert.equal(sameLineState(a, { ...a }), true);
    assert.equal(sameLineState(a, { ...a, username: 'jane_1800000000' }), false);
    assert.equal(sameLineState(a, { ...a, registered: true }), false);
    assert.equal(sameLineState(a, { ...a, provisioned: true }), false);
  });
});
