import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventSplice, rotationStep } from './rotation.ts';

describe('rotationStep', () => {
  const half = () => 0.5;
  it('reloads the AMI users and retries at once after the first refusal', () => {
    assert.deepEqual(rotationStep(1, 'refused', 0), { waitMs: 0, reload: true, overdue: false });
  });

  it('backs off from 500 ms to 5 s between later refusals, reloading before each retry', () => {
    const waits = [2, 3, 4, 5, 6, 10].map((n) => rotationStep(n, 'refused', 0, { random: half }));
    assert.deepEqual(
      waits.map((s) => s.waitMs),
      [375, 750, 1500, 3000, 3750, 3750],
    );
    assert.ok(waits.every((s) => s.reload));
  });

  it('only backs off (no reload) when the new session failed for another reason', () => {
    assert.deepEqual(rotationStep(1, 'failed', 0, { random: half }), {
      waitMs: 375,
      reload: false,
      overdue: false,
    });
  });

  it('is overdue once Asterisk has refused for warnAfterMs', () => {
    const o = { warnAfterMs: 10_000, random: half };
    assert.equal(rotationStep(9, 'refused', 9_999, o).overdue, false);
    assert.equal(rotationStep(9, 'refused', 10_000, o).overdue, true);
  });
});

describe('EventSplice', () => {
  const M = 'marker';
  const splice = () => new EventSplice<string>((e) => e === M);

  it('delivers the old stream up to the marker, then the new one after it, each event once', () => {
    // Asterisk's one event queue: a b M c d; the new session logged in before b.
    const s = splice();
    const out: string[] = [];
    const old = (e: string) => out.push(...s.fromOld(e));
    const next = (e: string) => out.push(...s.fromNew(e));
    old('a');
    next('FullyBooted'); // its own, before the marker: never delivered
    next('b');
    next(M);
    next('c'); // the new session is ahead: held until the old one reaches the marker
    old('b');
    assert.equal(s.switched, false);
    old(M);
    assert.equal(s.switched, true);
    assert.equal(s.complete, true);
    old('c'); // the old session is behind: already delivered from the new one
    next('d');
    old('d');
    assert.deepEqual(out, ['a', 'b', 'c', 'd']);
  });

  it('also when the old session reaches the marker first', () => {
    const s = splice();
    const out: string[] = [];
    out.push(...s.fromOld('a'), ...s.fromOld(M));
    assert.equal(s.switched, true);
    assert.equal(s.complete, false);
    out.push(...s.fromOld('b'), ...s.fromNew('a'), ...s.fromNew(M), ...s.fromNew('b'));
    assert.equal(s.complete, true);
    assert.deepEqual(out, ['a', 'b']);
  });

  it('forced (no marker): the held events, then the new stream as it comes', () => {
    const s = splice();
    assert.deepEqual(s.fromOld('a'), ['a']);
    assert.deepEqual(s.fromNew('x'), []);
    assert.deepEqual(s.force(), []);
    assert.ok(s.complete);
    assert.deepEqual(s.fromNew('y'), ['y']);
    assert.deepEqual(s.fromOld('y'), []);
  });
});
