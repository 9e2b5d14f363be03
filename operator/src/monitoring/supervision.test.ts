import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AmiEvent } from '../asterisk/ami/messages.ts';
import {
  supervisedNote,
  supervisedReason,
  supervisionLog,
  supervisionNote,
  supervisionReason,
  supervisionRecord,
} from './supervision.ts';

const event = (fields: Record<string, string>): AmiEvent => ({
  event: 'UserEvent',
  fields: { event: 'UserEvent', userevent: 'SwitchboardSupervise', ...fields },
});

describe('supervisionRecord', () => {
  it('reads a started listen', () => {
    const r = supervisionRecord(
      event({
        result: 'started',
        mode: 'listen',
        supervisor: 'sup_1',
        agent: 'john_1',
        extension: '1001',
      }),
    );
    assert.deepEqual(r, {
      result: 'started',
      mode: 'listen',
      supervisor: 'sup_1',
      agent: 'john_1',
      extension: '1001',
    });
    assert.ok(r);
    assert.equal(supervisionReason(r), 'Listening');
    assert.equal(supervisionNote(r, 'john'), 'sup_1 listens to john (extension 1001)');
    assert.equal(supervisedReason(r.mode), 'SupervisorListening');
    assert.equal(
      supervisedNote(r, 'sue'),
      "supervisor sue (sup_1) listens to this agent's call (extension 1001)",
    );
    assert.deepEqual(supervisionLog(r, { supervisor: 'sue', agent: 'john' }), {
      result: 'started',
      mode: 'listen',
      supervisor: 'sup_1',
      agent: 'john_1',
      extension: '1001',
      supervisorAgent: 'sue',
      agentName: 'john',
    });
  });

  it('reads refusals with their reason', () => {
    const r = supervisionRecord(
      event({
        result: 'refused',
        reason: 'not-supervisor',
        mode: 'barge',
        supervisor: 'a_1',
        extension: '1001',
      }),
    );
    assert.ok(r);
    assert.equal(r.reason, 'not-supervisor');
    assert.equal(supervisionReason(r), 'SupervisionRefused');
    assert.match(supervisionNote(r), /barge extension 1001 refused: the agent is not a supervisor/);
    const none = supervisionRecord(
      event({
        result: 'refused',
        reason: 'no-such-agent',
        mode: 'whisper',
        supervisor: 's',
        extension: '',
      }),
    );
    assert.equal(none?.reason, 'no-such-agent');
  });

  it('ignores other events and malformed ones', () => {
    assert.equal(supervisionRecord({ event: 'Hangup', fields: {} }), undefined);
    assert.equal(supervisionRecord(event({ userevent: 'Other', result: 'started' })), undefined);
    assert.equal(
      supervisionRecord(
        event({ result: 'started', mode: 'spy', supervisor: 's', agent: 'a', extension: '1' }),
      ),
      undefined,
    );
    assert.equal(
      supervisionRecord(
        event({ result: 'started', mode: 'listen', supervisor: 's', extension: '1' }),
      ),
      undefined,
    );
    assert.equal(
      supervisionRecord(
        event({ result: 'refused', reason: 'x', mode: 'listen', supervisor: 's', extension: '1' }),
      ),
      undefined,
    );
    assert.equal(
      supervisionRecord(
        event({ result: 'started', mode: 'listen', supervisor: 's', agent: 'a', extension: '1,2' }),
      ),
      undefined,
    );
  });
});
