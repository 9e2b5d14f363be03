// The rotation loop against a scripted client: what it asks of Asterisk, in which order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { type AmiCredentials, AmiError, AmiLoginRefused, type AmiState } from './client.ts';
import { type RotatingClient, rotateUntilAccepted } from './rotate.ts';

const NEW: AmiCredentials = { username: 'switchboard', secret: 'new' };
const fast = { minWaitMs: 1, maxWaitMs: 4, logger: pino({ level: 'silent' }) };

/** A client whose rotate() answers from a script; records every call. */
function scripted(answers: (() => Promise<'ordered'>)[]) {
  const calls: string[] = [];
  let state: AmiState = 'connected';
  let uses: AmiCredentials | undefined;
  const client: RotatingClient & { set(s: AmiState, c?: AmiCredentials): void } = {
    get state() {
      return state;
    },
    async ready() {
      calls.push('ready');
    },
    async rotate(c) {
      calls.push('rotate');
      const next = answers.shift();
      if (!next) throw new Error('script exhausted');
      const kind = await next();
      uses = c;
      return kind;
    },
    usesCredentials: (c) => uses === c,
    async action(f) {
      calls.push(`${f.action} ${f.module}`);
      return { response: 'Success', actionid: '1', fields: {} };
    },
    set(s, c) {
      state = s;
      uses = c;
    },
  };
  return { client, calls };
}
const refused = () => Promise.reject(new AmiLoginRefused('login refused: Authentication failed'));
const accepted = () => Promise.resolve('ordered' as const);

describe('rotateUntilAccepted', () => {
  it('reloads the AMI users after each refusal and retries until Asterisk accepts', async () => {
    const { client, calls } = scripted([refused, refused, accepted]);
    const out = await rotateUntilAccepted(client, NEW, {
      ...fast,
      signal: new AbortController().signal,
    });
    assert.deepEqual(calls, ['rotate', 'Reload manager', 'rotate', 'Reload manager', 'rotate']);
    assert.equal(out?.attempts, 3);
    assert.equal(out?.reloads, 2);
    assert.equal(out?.handover, 'ordered');
  });

  it('does not reload after a failure other than a refusal', async () => {
    const { client, calls } = scripted([
      () => Promise.reject(new AmiError('AMI UserEvent timed out after 10000 ms')),
      accepted,
    ]);
    const out = await rotateUntilAccepted(client, NEW, {
      ...fast,
      signal: new AbortController().signal,
    });
    assert.deepEqual(calls, ['rotate', 'rotate']);
    assert.equal(out?.reloads, 0);
  });

  it('ends when the serving session came back logged in with the new secret', async () => {
    const { client, calls } = scripted([]);
    client.set('disconnected');
    client.ready = async () => {
      calls.push('ready');
      client.set('connected', NEW);
    };
    const out = await rotateUntilAccepted(client, NEW, {
      ...fast,
      signal: new AbortController().signal,
    });
    assert.deepEqual(calls, ['ready']);
    assert.equal(out?.handover, 'reconnect');
    assert.equal(out?.attempts, 0);
  });

  it('needs no second session when a reconnect during the reload got in with the new secret', async () => {
    const { client, calls } = scripted([refused]);
    client.action = async (f) => {
      calls.push(`${f.action} ${f.module}`);
      client.set('connected', NEW); // Asterisk restarted meanwhile, having read the new file
      return { response: 'Success', actionid: '1', fields: {} };
    };
    const out = await rotateUntilAccepted(client, NEW, {
      ...fast,
      signal: new AbortController().signal,
    });
    assert.deepEqual(calls, ['rotate', 'Reload manager']);
    assert.equal(out?.handover, 'reconnect');
  });

  it('reports once when Asterisk still refuses after warnAfterMs, and goes on trying', async () => {
    const { client } = scripted([refused, refused, refused, refused, accepted]);
    const stuck: number[] = [];
    const out = await rotateUntilAccepted(client, NEW, {
      ...fast,
      // overdue from the first refusal on: a timing-free "once" (a 2 ms bound
      // raced Node's millisecond timers and failed a loaded CI run)
      warnAfterMs: 0,
      signal: new AbortController().signal,
      onStuck: (attempts) => stuck.push(attempts),
    });
    assert.deepEqual(stuck, [1], 'reported once, at the first refusal past the bound');
    assert.equal(out?.attempts, 5);
  });

  it('stops when aborted (the Secret changed again or the connection went away)', async () => {
    const abort = new AbortController();
    const { client, calls } = scripted([
      () => {
        abort.abort();
        return refused();
      },
    ]);
    assert.equal(
      await rotateUntilAccepted(client, NEW, { ...fast, signal: abort.signal }),
      undefined,
    );
    assert.deepEqual(calls, ['rotate'], 'no reload once aborted');
  });
});
