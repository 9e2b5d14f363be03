import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SipAgent } from '../../crds/types.ts';
import type { Informer, InformerEvent } from '../../kube/informer.ts';
import { LineWatchers } from './line-watchers.ts';

function agent(name: string, extra: Partial<SipAgent> = {}): SipAgent {
  return {
    apiVersion: 'switchboard.dev/v1alpha1',
    kind: 'SipAgent',
    metadata: { name, namespace: 'cc', ...extra.metadata },
    spec: { displayName: name, codecs: ['opus'], suspended: false, maxContacts: 1, ...extra.spec },
    status: { extension: 1000, sipUsername: `${name}_1700000000`, ...extra.status },
  };
}

/** Just what LineWatchers uses of an informer: its handlers, fired by the test. */
function fakeInformer() {
  const handlers: Record<InformerEvent, ((a: SipAgent) => void)[]> = {
    add: [],
    update: [],
    delete: [],
  };
  const informer = {
    on: (event: InformerEvent, cb: (a: SipAgent) => void) => handlers[event].push(cb),
  } as unknown as Informer<SipAgent>;
  const fire = (event: InformerEvent, a: SipAgent) => {
    for (const cb of handlers[event]) cb(a);
  };
  return { informer, fire };
}

describe('LineWatchers', () => {
  it('tells each agent’s listeners about that agent only, in its namespace only', () => {
    const { informer, fire } = fakeInformer();
    const watchers = new LineWatchers(informer, 'cc');
    const seen: string[] = [];
    const stop = watchers.watch('jane', (l) => seen.push(`${l.state}:${l.username}`));
    fire('update', agent('john'));
    fire('update', agent('jane', { metadata: { name: 'jane', namespace: 'other' } }));
    fire('update', agent('jane', { status: { sipUsername: 'jane_1800000000' } }));
    fire('delete', agent('jane'));
    assert.deepEqual(seen, ['active:jane_1800000000', 'deleted:jane_1700000000']);
    assert.equal(watchers.size, 1);
    stop();
    assert.equal(watchers.size, 0);
    fire('add', agent('jane'));
    assert.equal(seen.length, 2);
  });

  it('lets a listener unsubscribe while it is being called', () => {
    const { informer, fire } = fakeInformer();
    const watchers = new LineWatchers(informer, 'cc');
    let calls = 0;
    const stops: (() => void)[] = [];
    for (let i = 0; i < 2; i++)
      stops.push(
        watchers.watch('jane', () => {
          calls++;
          for (const s of stops) s();
        }),
      );
    fire('update', agent('jane'));
    assert.equal(calls, 2);
    assert.equal(watchers.size, 0);
  });
});
