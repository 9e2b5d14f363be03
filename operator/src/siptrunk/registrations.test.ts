// The carriers' reachability as TrunkRegistrations keeps it: the read after
// connecting (PJSIPShowEndpoints' device states) and ContactStatus events.
// The AMI client is a stand-in that answers lists as Asterisk 22 does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AmiState } from '../asterisk/ami/client.ts';
import { typedEvent } from '../asterisk/ami/messages.ts';
import { silentLogger } from '../log.ts';
import { TrunkRegistrations } from './registrations.ts';

type Raw = Record<string, string>;

function client(endpoints: Raw[]) {
  let onEvent: (e: ReturnType<typeof typedEvent>) => void = () => {};
  let onState: (s: AmiState) => void = () => {};
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    state: 'disconnected' as AmiState,
    onEvent: (cb: typeof onEvent) => {
      onEvent = cb;
    },
    onState: (cb: typeof onState) => {
      onState = cb;
    },
    action: async () => ({ fields: {} }),
    list: async (req: { action: string }) => {
      if (req.action === 'PJSIPShowRegistrationsOutbound') return [];
      await gate;
      return endpoints;
    },
    connect() {
      this.state = 'connected';
      onState('connected');
    },
    release: () => release(),
    event: (raw: Raw) => onEvent(typedEvent(raw)),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('TrunkRegistrations: the carriers’ contacts', () => {
  it('reads device states after connecting, keeps events that came meanwhile, then follows events', async () => {
    const c = client([
      { objectname: 'switchboard-trunk-a', devicestate: 'Not in use' },
      { objectname: 'switchboard-trunk-b', devicestate: 'Unavailable' },
      { objectname: 'switchboard-trunk-c', devicestate: 'Unavailable' },
      { objectname: 'john_doe_1700000000', devicestate: 'Unavailable' },
    ]);
    let changes = 0;
    const t = new TrunkRegistrations(c as never, silentLogger, () => changes++);
    assert.deepEqual(t.contact('switchboard-trunk-a'), { known: false });
    c.connect();
    // c came back while the list was being read: the event is newer than the list
    c.event({
      event: 'ContactStatus',
      uri: 'sip:127.0.0.1:5060',
      contactstatus: 'Reachable',
      aor: 'switchboard-trunk-c',
      endpointname: '',
    });
    c.release();
    await settle();
    await settle();
    assert.deepEqual(t.contact('switchboard-trunk-a'), { known: true, status: 'Reachable' });
    assert.deepEqual(t.contact('switchboard-trunk-b'), { known: true, status: 'Unreachable' });
    assert.deepEqual(t.contact('switchboard-trunk-c'), { known: true, status: 'Reachable' });
    assert.deepEqual(t.contact('john_doe_1700000000'), { known: true, status: undefined });
    const before = changes;
    c.event({
      event: 'ContactStatus',
      uri: 'sip:127.0.0.1:5060',
      contactstatus: 'Unreachable',
      aor: 'switchboard-trunk-a',
      endpointname: '',
    });
    assert.deepEqual(t.contact('switchboard-trunk-a'), { known: true, status: 'Unreachable' });
    assert.equal(changes, before + 1);
    t.close();
  });
});
