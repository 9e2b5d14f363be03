import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue } from './workqueue.ts';

/** A promise with its resolve function, to hold a reconcile open from the test. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('WorkQueue', () => {
  it('processes a key added many times once', async () => {
    const seen: string[] = [];
    const q = new WorkQueue({ name: 't-dedupe', concurrency: 2 }, async (k) => {
      seen.push(k);
    });
    for (let i = 0; i < 10; i++) q.add('a');
    q.add('b');
    q.start();
    await q.idle();
    assert.deepEqual(seen.sort(), ['a', 'b']);
  });

  it('never runs a key concurrently with itself, and reruns it when added while running', async () => {
    const g = gate();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const q = new WorkQueue({ name: 't-serial', concurrency: 4 }, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      if (runs === 1) await g.opened;
      running--;
    });
    q.start();
    q.add('k');
    q.add('k'); // queued while running? no: still ready → deduped
    await new Promise((r) => setImmediate(r));
    q.add('k'); // now running → marked dirty
    q.add('k');
    g.open();
    await q.idle();
    assert.equal(maxRunning, 1);
    assert.equal(runs, 2, 'once for the first add, once more for the adds while running');
  });

  it('bounds concurrency', async () => {
    let running = 0;
    let maxRunning = 0;
    const q = new WorkQueue({ name: 't-bound', concurrency: 3 }, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setImmediate(r));
      running--;
    });
    q.start();
    for (let i = 0; i < 20; i++) q.add(`k${i}`);
    await q.idle();
    assert.equal(maxRunning, 3);
  });

  it('retries failures with growing, capped backoff and forgets them after a success', async () => {
    const times: number[] = [];
    const q = new WorkQueue(
      { name: 't-backoff', concurrency: 1, baseDelayMs: 10, maxDelayMs: 40 },
      async () => {
        times.push(Date.now());
        if (times.length < 5) throw new Error('boom');
      },
    );
    assert.equal(q.backoff(1) >= 10 && q.backoff(1) <= 11, true);
    assert.equal(q.backoff(3) >= 40 && q.backoff(3) <= 44, true);
    assert.equal(q.backoff(30) <= 44, true, 'capped');
    q.start();
    q.add('k');
    await q.idle();
    assert.equal(times.length, 5);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    assert.ok((gaps[0] as number) >= 9 && (gaps[2] as number) >= 35, `gaps grow: ${gaps}`);
  });

  it('lets a later add with a shorter delay win, and stop() waits for running work', async () => {
    const g = gate();
    let done = false;
    const q = new WorkQueue({ name: 't-stop', concurrency: 1 }, async () => {
      await g.opened;
      done = true;
    });
    q.add('k', 60_000);
    q.add('k', 1);
    q.start();
    while (q.length > 0) await new Promise((r) => setTimeout(r, 2));
    const stopped = q.stop();
    g.open();
    await stopped;
    assert.equal(done, true);
  });
});
