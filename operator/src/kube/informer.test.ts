// The informer's restart logic against a scripted Watch and LIST: what
// client-node's ListWatch does on each kind of failure, and what the wrapper
// adds. (test/integration/kube-informer.test.ts runs it against kube-apiserver.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesListObject, V1ConfigMap } from '@kubernetes/client-node';
import { pino } from 'pino';
import { registry } from '../metrics.ts';
import type { WatchLike } from './guarded-watch.ts';
import { createInformerWithWatch, type Informer } from './informer.ts';
import { gate, waitFor } from './testing/sync.ts';

type Phase = 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';

interface FakeRequest {
  readonly query: Record<string, unknown>;
  readonly aborted: boolean;
  send(phase: Phase, obj: unknown): void;
  /** Ends the watch like the real Watch does: done() once, with null for a clean end. */
  end(err: unknown): void;
}

/** Scripted watches: the test sends events and ends them. */
class FakeWatch implements WatchLike {
  readonly requests: FakeRequest[] = [];
  throwNext: unknown;

  async watch(
    _path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, obj: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    await Promise.resolve(); // the real one awaits the credentials and the response headers
    if (this.throwNext) {
      const err = this.throwNext;
      this.throwNext = undefined;
      throw err;
    }
    const controller = new AbortController();
    let ended = false;
    const request: FakeRequest = {
      query: { ...query },
      get aborted() {
        return controller.signal.aborted;
      },
      send: (phase, obj) => {
        if (!ended) callback(phase, obj);
      },
      end: (err) => {
        if (ended) return;
        ended = true;
        done(err);
      },
    };
    controller.signal.addEventListener('abort', () =>
      request.end(Object.assign(new Error('aborted'), { name: 'AbortError' })),
    );
    this.requests.push(request);
    return controller;
  }

  get current(): FakeRequest {
    const r = this.requests.at(-1);
    if (!r) throw new Error('no watch yet');
    return r;
  }
}

const cm = (name: string, rv: string, data: Record<string, string> = {}): V1ConfigMap => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  data,
});
const listOf = (rv: string, ...items: V1ConfigMap[]): KubernetesListObject<V1ConfigMap> => ({
  metadata: { resourceVersion: rv },
  items,
});

function recorder(informer: Informer<V1ConfigMap>): string[] {
  const events: string[] = [];
  for (const kind of ['add', 'update', 'delete'] as const) {
    informer.on(kind, (o) =>
      events.push(`${kind} ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    );
  }
  return events;
}

async function restartsOf(name: string): Promise<number> {
  const text = await registry.getSingleMetricAsString('switchboard_informer_restarts_total');
  const line = text.split('\n').find((l) => l.includes(`informer="${name}"`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('informer', () => {
  it('syncs from the LIST, then applies watch events to the cache', async () => {
    const watch = new FakeWatch();
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-basic',
      path: '/api/v1/namespaces/ns/configmaps',
      list: async () => listOf('10', cm('a', '5')),
    });
    const events = recorder(informer);
    assert.equal(informer.synced, false);
    await informer.start();
    assert.equal(informer.synced, true);
    assert.equal(
      informer.get('a', 'ns')?.metadata?.resourceVersion,
      '5',
      'in the cache when start() resolves',
    );
    await waitFor('watch opened', () => watch.requests.length === 1);
    assert.equal(watch.current.query.resourceVersion, '10', 'watches from the LIST');

    watch.current.send('ADDED', cm('b', '11'));
    watch.current.send('MODIFIED', cm('a', '12', { k: 'v' }));
    watch.current.send('DELETED', cm('b', '13'));
    assert.deepEqual(events, ['add a@5', 'add b@11', 'update a@12', 'delete b@13']);
    assert.deepEqual(
      informer.list('ns').map((o) => o.metadata?.name),
      ['a'],
    );
    assert.deepEqual(informer.list().length, 1);
    assert.equal(informer.list('other').length, 0);
    await informer.stop();
    assert.equal(watch.current.aborted, true, 'stop() closes the watch');
  });

  it('caches objects without managedFields, from the LIST and from the watch', async () => {
    const watch = new FakeWatch();
    const managed = (name: string, rv: string): V1ConfigMap => ({
      ...cm(name, rv),
      metadata: {
        ...cm(name, rv).metadata,
        managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: {} }],
      },
    });
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-strip',
      path: '/api/v1/namespaces/ns/configmaps',
      list: async () => listOf('10', managed('a', '5')),
    });
    await informer.start();
    await waitFor('watch opened', () => watch.requests.length === 1);
    watch.current.send('ADDED', managed('b', '11'));
    for (const name of ['a', 'b']) {
      const cached = informer.get(name, 'ns');
      assert.ok(cached, `${name} is cached`);
      assert.equal(cached.metadata?.managedFields, undefined, `${name} has no managedFields`);
      assert.equal(cached.metadata?.namespace, 'ns');
    }
    await informer.stop();
  });

  it('restarts after a watch error, from the last resourceVersion, and counts the restart', async () => {
    const watch = new FakeWatch();
    let lists = 0;
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-restart',
      path: '/api/v1/namespaces/ns/configmaps',
      list: async () => {
        lists++;
        return listOf('10');
      },
      maxRestartDelayMs: 20,
    });
    const events = recorder(informer);
    await informer.start();
    await waitFor('watch opened', () => watch.requests.length === 1);
    watch.current.send('ADDED', cm('a', '11'));
    // What ListWatch would otherwise stop on for good: a connection reset mid-stream.
    watch.current.end(
      Object.assign(new TypeError('terminated'), { cause: { code: 'ECONNRESET' } }),
    );
    await waitFor('watch re-opened', () => watch.requests.length === 2);
    assert.equal(watch.current.query.resourceVersion, '11', 'resumes where it was');
    assert.equal(lists, 1, 'no relist needed');
    watch.current.send('ADDED', cm('b', '12'));
    assert.deepEqual(events, ['add a@11', 'add b@12']);
    assert.equal(await restartsOf('fake-restart'), 1);
    await informer.stop();
  });

  it('relists after 410 Gone and reports what changed meanwhile', async () => {
    const watch = new FakeWatch();
    const lists = [
      listOf('10', cm('a', '5'), cm('b', '6')),
      listOf('20', cm('a', '15'), cm('c', '16')),
    ];
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-gone',
      path: '/api/v1/namespaces/ns/configmaps',
      list: async () => lists.shift() ?? listOf('30'),
    });
    const events = recorder(informer);
    await informer.start();
    await waitFor('watch opened', () => watch.requests.length === 1);
    // The server's answer to a resourceVersion it no longer has, then the end of the stream.
    watch.current.send('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    watch.current.end(null);
    await waitFor('watch re-opened', () => watch.requests.length === 2);
    assert.equal(watch.current.query.resourceVersion, '20', 'watches from the new LIST');
    assert.deepEqual(events.sort(), [
      'add a@5',
      'add b@6',
      'add c@16',
      'delete b@6',
      'update a@15',
    ]);
    assert.deepEqual(
      informer
        .list('ns')
        .map((o) => o.metadata?.name)
        .sort(),
      ['a', 'c'],
    );
    assert.equal(await restartsOf('fake-gone'), 0, '410 is handled by ListWatch itself');
    await informer.stop();
  });

  it('keeps retrying a failing LIST with capped, growing backoff; start() resolves when one succeeds', async () => {
    const watch = new FakeWatch();
    const lines: { retryInMs?: number; err?: string; status?: number }[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (l: string) => void lines.push(JSON.parse(l)) },
    );
    let lists = 0;
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-list-fails',
      path: '/api/v1/namespaces/ns/configmaps',
      list: async () => {
        if (++lists <= 3) throw Object.assign(new Error('HTTP-Code: 503'), { code: 503 });
        return listOf('10', cm('a', '1'));
      },
      maxRestartDelayMs: 300,
      logger,
    });
    let resolved = false;
    const started = informer.start().then(() => {
      resolved = true;
    });
    await waitFor('second failure', () => lists === 2);
    assert.equal(resolved, false);
    await started;
    assert.equal(lists, 4);
    assert.ok(informer.get('a', 'ns'));
    const delays = lines.map((l) => l.retryInMs ?? -1);
    assert.equal(delays.length, 3);
    assert.ok((delays[0] ?? 0) >= 200 && (delays[0] ?? 0) <= 220, `first ${delays[0]}`);
    assert.equal(delays[1], 300, 'doubled, capped');
    assert.equal(delays[2], 300, 'stays capped');
    assert.equal(lines[0]?.err, 'API error 503');
    await informer.stop();
  });

  it('gives up on a LIST that never answers and tries again', async () => {
    const watch = new FakeWatch();
    let lists = 0;
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-list-hangs',
      path: '/api/v1/namespaces/ns/configmaps',
      list: () => {
        lists++;
        return lists === 1 ? new Promise(() => {}) : Promise.resolve(listOf('10', cm('a', '1')));
      },
      listTimeoutMs: 30,
      maxRestartDelayMs: 10,
    });
    await informer.start();
    assert.equal(lists, 2);
    assert.ok(informer.get('a', 'ns'));
    assert.equal(await restartsOf('fake-list-hangs'), 1);
    await informer.stop();
  });

  it('turns a watch() that throws into a restart instead of an unhandled rejection', async () => {
    const watch = new FakeWatch();
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-throws',
      path: '/api/v1/namespaces/ns/configmaps',
      list: async () => listOf('10'),
      maxRestartDelayMs: 20,
    });
    await informer.start();
    await waitFor('watch opened', () => watch.requests.length === 1);
    // client-node reconnects from inside a callback nobody awaits: a throw there used to crash Node.
    watch.throwNext = new Error('exec credential plugin failed');
    watch.current.end(null);
    await waitFor('watch re-opened after the failure', () => watch.requests.length === 2);
    assert.equal(await restartsOf('fake-throws'), 1);
    await informer.stop();
  });

  it('contains a throwing handler: the others still run, the informer goes on', async () => {
    const watch = new FakeWatch();
    const lines: { event?: string; object?: string; err?: string }[] = [];
    const logger = pino(
      { level: 'error' },
      { write: (l: string) => void lines.push(JSON.parse(l)) },
    );
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-handler',
      path: '/api/v1/namespaces/ns/configmaps',
      list: async () => listOf('10'),
      logger,
    });
    const seen: string[] = [];
    informer.on('add', () => {
      throw new Error('handler bug');
    });
    informer.on('add', (o) => seen.push(o.metadata?.name ?? ''));
    await informer.start();
    await waitFor('watch opened', () => watch.requests.length === 1);
    watch.current.send('ADDED', cm('a', '11', { password: 'hunter2' }));
    watch.current.send('ADDED', cm('b', '12'));
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(lines.length, 2);
    assert.deepEqual(
      { event: lines[0]?.event, object: lines[0]?.object, err: lines[0]?.err },
      { event: 'add', object: 'ns/a', err: 'handler bug' },
    );
    assert.ok(!JSON.stringify(lines).includes('hunter2'), 'names the object, never its contents');
    await informer.stop();
  });

  it('stopped during its LIST, opens no watch and rejects start()', async () => {
    const watch = new FakeWatch();
    const listing = gate();
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-stop-early',
      path: '/api/v1/namespaces/ns/configmaps',
      list: async () => {
        await listing.opened;
        return listOf('10');
      },
    });
    const started = informer.start();
    await informer.stop();
    listing.open();
    await assert.rejects(started, /stopped before it synced/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(watch.requests.length, 0, 'client-node alone would open a watch here');
    await assert.rejects(informer.start(), /was stopped/);
  });

  it('stops restarting and delivering once stopped', async () => {
    const watch = new FakeWatch();
    const informer = createInformerWithWatch<V1ConfigMap>(watch, {
      name: 'fake-stop',
      path: '/api/v1/namespaces/ns/configmaps',
      list: async () => listOf('10'),
      maxRestartDelayMs: 5,
    });
    const events = recorder(informer);
    await informer.start();
    await waitFor('watch opened', () => watch.requests.length === 1);
    const request = watch.current;
    await informer.stop();
    request.send('ADDED', cm('late', '11'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(events, []);
    assert.equal(watch.requests.length, 1, 'no restart after stop()');
    assert.equal(await restartsOf('fake-stop'), 0);
  });
});
