import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { registry } from '../metrics.ts';
import { gate, waitFor } from './testing/sync.ts';
import { WorkQueue, type WorkQueueOptions } from './workqueue.ts';

/** Records the failure counts it computes backoff for, and when each run started. */
class RecordingQueue extends WorkQueue {
  readonly backoffs: { failures: number; delay: number }[] = [];
  override backoff(failures: number): number {
    const delay = super.backoff(failures);
    this.backoffs.push({ failures, delay });
    return delay;
  }
}

const metricValue = async (name: string, queue: string, series = name): Promise<number> => {
  const text = await registry.getSingleMetricAsString(name);
  const line = text.split('\n').find((l) => l.startsWith(`${series}{queue="${queue}"}`));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
};

describe('WorkQueue', () => {
  it('processes a key queued many times once', async () => {
    const seen: string[] = [];
    const q = new WorkQueue({ name: 'wq-dedupe', concurrency: 2 }, async (k) => {
      seen.push(k);
    });
    for (let i = 0; i < 10; i++) q.add('a');
    q.add('b');
    q.add('a', 5); // queued now already: the earlier due time wins
    assert.equal(q.length, 2);
    q.start();
    await q.idle();
    assert.deepEqual(seen.sort(), ['a', 'b']);
    assert.equal(q.length, 0);
    assert.equal(await metricValue('switchboard_workqueue_adds_total', 'wq-dedupe'), 12);
  });

  it('never processes a key concurrently with itself and processes it again when added meanwhile', async () => {
    const first = gate();
    const active = new Map<string, number>();
    let overlaps = 0;
    const runs: string[] = [];
    const q = new WorkQueue({ name: 'wq-serial', concurrency: 4 }, async (k) => {
      const n = (active.get(k) ?? 0) + 1;
      active.set(k, n);
      if (n > 1) overlaps++;
      runs.push(k);
      if (runs.length === 1) await first.opened;
      active.set(k, n - 1);
    });
    q.start();
    q.add('k');
    await waitFor('k running', () => active.get('k') === 1);
    q.add('k'); // while running: marked for one more run, not a second worker
    q.add('k');
    q.add('k', 1);
    assert.equal(q.length, 1, 'one pending re-run');
    await new Promise((resolve) => setTimeout(resolve, 10)); // give a wrong queue the chance to start it
    assert.equal(runs.length, 1, 'not started again while running');
    first.open();
    await q.idle();
    assert.equal(overlaps, 0);
    assert.deepEqual(runs, ['k', 'k']);
  });

  it('processes at most `concurrency` keys at once', async () => {
    const release = gate();
    let running = 0;
    let maxRunning = 0;
    let done = 0;
    const q = new WorkQueue({ name: 'wq-bound', concurrency: 3 }, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await release.opened;
      running--;
      done++;
    });
    for (let i = 0; i < 20; i++) q.add(`k${i}`);
    q.start();
    await waitFor('three running', () => running === 3);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(running, 3, 'no fourth key while three run');
    assert.equal(q.length, 17);
    release.open();
    await q.idle();
    assert.equal(maxRunning, 3);
    assert.equal(done, 20);
  });

  it('retries with exponential backoff capped at maxDelayMs', async () => {
    const starts: number[] = [];
    const q = new RecordingQueue(
      { name: 'wq-backoff', concurrency: 1, baseDelayMs: 8, maxDelayMs: 40 },
      async () => {
        starts.push(performance.now());
        if (starts.length <= 6) throw new Error('boom');
      },
    );
    q.add('k');
    q.start();
    await q.idle();
    assert.equal(starts.length, 7);
    assert.deepEqual(
      q.backoffs.map((b) => b.failures),
      [1, 2, 3, 4, 5, 6],
    );
    // base * 2^(failures-1), capped: 8, 16, 32, 40, 40, 40 (plus at most 10% jitter, under the cap).
    const floors = [8, 16, 32, 40, 40, 40];
    q.backoffs.forEach(({ delay }, i) => {
      const floor = floors[i] as number;
      assert.ok(
        delay >= floor && delay <= Math.min(floor * 1.1 + 1, 40),
        `retry ${i + 1}: ${delay} ms`,
      );
    });
    // The retries really waited (timers may fire up to 1 ms early against performance.now()).
    for (let i = 1; i < starts.length; i++) {
      const gap = (starts[i] as number) - (starts[i - 1] as number);
      assert.ok(gap >= (q.backoffs[i - 1]?.delay ?? 0) - 1.5, `gap ${i}: ${gap.toFixed(1)} ms`);
    }
    assert.equal(await metricValue('switchboard_workqueue_retries_total', 'wq-backoff'), 6);
  });

  it('keeps the cap for any number of failures', () => {
    const q = new WorkQueue(
      { name: 'wq-cap', concurrency: 1, baseDelayMs: 100, maxDelayMs: 60_000 },
      async () => {},
    );
    for (const failures of [1, 2, 10, 11, 100, 5000]) {
      const d = q.backoff(failures);
      const raw = Math.min(100 * 2 ** (failures - 1), 60_000);
      assert.ok(d >= raw && d <= 60_000, `${failures} failures: ${d}`);
    }
    assert.ok(q.backoff(1) <= 110);
  });

  it('forgets the failures of a key after a success', async () => {
    let calls = 0;
    const outcomes = ['fail', 'fail', 'ok', 'fail', 'ok'];
    const q = new RecordingQueue(
      { name: 'wq-reset', concurrency: 1, baseDelayMs: 2, maxDelayMs: 1000 },
      async () => {
        if (outcomes[calls++] === 'fail') throw new Error('boom');
      },
    );
    q.start();
    q.add('k');
    await q.idle();
    assert.equal(calls, 3);
    q.add('k');
    await q.idle();
    assert.equal(calls, 5);
    assert.deepEqual(
      q.backoffs.map((b) => b.failures),
      [1, 2, 1],
      'the failure after a success backs off from the base again',
    );
  });

  it('retries at once when the failing key was added while it ran', async () => {
    const started = gate();
    const release = gate();
    let calls = 0;
    const q = new RecordingQueue(
      { name: 'wq-dirty-fail', concurrency: 1, baseDelayMs: 60_000 },
      async () => {
        calls++;
        if (calls === 1) {
          started.open();
          await release.opened;
          throw new Error('stale');
        }
      },
    );
    q.start();
    q.add('k');
    await started.opened;
    q.add('k'); // new information arrived: no need to wait a minute for it
    release.open();
    await q.idle();
    assert.equal(calls, 2);
  });

  it('lets the earliest due time win', async () => {
    const seen: number[] = [];
    const q = new WorkQueue({ name: 'wq-due', concurrency: 1 }, async () => {
      seen.push(performance.now());
    });
    q.start();
    const t0 = performance.now();
    q.add('late-then-soon', 60_000);
    q.add('late-then-soon', 5);
    await q.idle(); // would take a minute if the first delay stood
    q.add('soon-then-late', 5);
    q.add('soon-then-late', 60_000);
    assert.equal(q.length, 1);
    await q.idle();
    assert.equal(seen.length, 2);
    assert.ok(performance.now() - t0 < 5_000);
  });

  it('stop() waits for running keys, drops queued ones and ignores later adds', async () => {
    const release = gate();
    const seen: string[] = [];
    let finished = false;
    const q = new WorkQueue({ name: 'wq-stop', concurrency: 1 }, async (k) => {
      seen.push(k);
      if (k === 'a') {
        await release.opened;
        finished = true;
      }
    });
    q.add('a');
    q.add('b');
    q.add('c', 10);
    q.start();
    await waitFor('a running', () => seen.length === 1);
    const idle = q.idle();
    let stopped = false;
    const stopping = q.stop().then(() => {
      stopped = true;
    });
    q.add('d');
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(stopped, false, 'still waiting for a');
    release.open();
    await stopping;
    await idle;
    assert.equal(finished, true);
    assert.deepEqual(seen, ['a']);
    assert.equal(q.length, 0);
  });

  it('logs failures with the queue, the key and the message, at debug for conflicts', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'debug' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const errors: unknown[] = [
      Object.assign(new Error('HTTP-Code: 409'), {
        code: 409,
        body: JSON.stringify({ message: 'the object has been modified' }),
      }),
      new TypeError('cannot read x of undefined'),
    ];
    const options: WorkQueueOptions = { name: 'wq-log', concurrency: 1, baseDelayMs: 1, logger };
    const q = new WorkQueue(options, async () => {
      const err = errors.shift();
      if (err) throw err;
    });
    q.start();
    q.add('ns/agent');
    await q.idle();
    assert.equal(lines.length, 2);
    const [conflict, bug] = lines;
    assert.equal(conflict?.level, 20, 'debug');
    assert.equal(conflict?.key, 'ns/agent');
    assert.equal(conflict?.queue, 'wq-log');
    assert.equal(conflict?.err, 'API error 409: the object has been modified');
    assert.equal(bug?.level, 40, 'warn');
    assert.match(String(bug?.stack), /TypeError: cannot read x/);
  });

  it('exports depth and durations per queue', async () => {
    const release = gate();
    let done = 0;
    const q = new WorkQueue({ name: 'wq-metrics', concurrency: 1 }, async () => {
      await release.opened;
      done++;
    });
    q.add('a');
    q.add('b');
    q.add('c', 60_000);
    assert.equal(await metricValue('switchboard_workqueue_depth', 'wq-metrics'), 3);
    q.start();
    assert.equal(await metricValue('switchboard_workqueue_depth', 'wq-metrics'), 2);
    release.open();
    await waitFor('a and b done', () => done === 2);
    const count = await metricValue(
      'switchboard_workqueue_work_duration_seconds',
      'wq-metrics',
      'switchboard_workqueue_work_duration_seconds_count',
    );
    assert.equal(count, 2);
    await q.stop();
    assert.equal(await metricValue('switchboard_workqueue_depth', 'wq-metrics'), 0);
  });
});
