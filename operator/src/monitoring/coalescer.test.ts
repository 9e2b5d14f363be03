import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Coalescer, type Dirty, type Timers } from './coalescer.ts';

/** A clock that moves only when told, running due timers in order. */
class FakeTimers implements Timers {
  t = 0;
  #next = 0;
  #due = new Map<number, { at: number; fn: () => void }>();
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.#next++;
    this.#due.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => void this.#due.delete(h as number);
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const first = [...this.#due].sort((a, b) => a[1].at - b[1].at)[0];
      if (!first || first[1].at > end) break;
      this.#due.delete(first[0]);
      this.t = first[1].at;
      first[1].fn();
    }
    this.t = end;
  }
}

const names = (d: Dirty) => ({ queues: [...d.queues].sort(), agents: [...d.agents].sort() });

describe('coalescing wallboard changes', () => {
  it('sends a lone change at once (next tick)', () => {
    const timers = new FakeTimers();
    const sent: Dirty[] = [];
    const c = new Coalescer(150, (d) => void sent.push(d), timers);
    c.mark('queue', ['support']);
    c.mark('agent', ['ann']);
    assert.equal(sent.length, 0, 'not inside the call: the same tick may bring more');
    timers.advance(0);
    assert.deepEqual(sent.map(names), [{ queues: ['support'], agents: ['ann'] }]);
  });

  it('holds changes inside the interval for its end, together', () => {
    const timers = new FakeTimers();
    const sent: { at: number; d: Dirty }[] = [];
    const c = new Coalescer(150, (d) => void sent.push({ at: timers.t, d }), timers);
    c.mark('agent', ['a']);
    timers.advance(10);
    c.mark('agent', ['b']);
    timers.advance(50);
    c.mark('agent', ['c', 'b']);
    timers.advance(200);
    assert.deepEqual(
      sent.map((s) => [s.at, names(s.d).agents]),
      [
        [0, ['a']],
        [150, ['b', 'c']],
      ],
    );
  });

  it('100 changes a second cost at most 1000/interval messages', () => {
    const timers = new FakeTimers();
    let messages = 0;
    let rows = 0;
    const c = new Coalescer(
      150,
      (d) => {
        messages++;
        rows += d.agents.size;
      },
      timers,
    );
    for (let i = 0; i < 1000; i++) {
      c.mark('agent', [`agent-${i % 5}`]);
      timers.advance(10);
    }
    timers.advance(200);
    assert.ok(messages <= Math.ceil(10_000 / 150) + 1, `${messages} messages in 10 s`);
    assert.ok(messages >= 60, `${messages}: the interval is kept, not stretched`);
    assert.ok(rows < 1000, 'repeated names travel once per message');
  });

  it('a flush that sent nothing starts no interval', () => {
    const timers = new FakeTimers();
    const sent: number[] = [];
    const c = new Coalescer(
      150,
      (d) => {
        if (d.agents.has('same')) return false;
        sent.push(timers.t);
        return true;
      },
      timers,
    );
    c.mark('agent', ['same']);
    timers.advance(20);
    c.mark('queue', ['support']);
    timers.advance(0);
    assert.deepEqual(sent, [20], 'not held back by a flush that sent nothing');
  });

  it('a liveness change alone is a message; clear drops what is pending', () => {
    const timers = new FakeTimers();
    const sent: Dirty[] = [];
    const c = new Coalescer(150, (d) => void sent.push(d), timers);
    c.mark('other');
    timers.advance(0);
    assert.equal(sent[0]?.other, true);
    c.mark('queue', ['x']);
    c.clear();
    timers.advance(500);
    assert.equal(sent.length, 1);
  });
});
