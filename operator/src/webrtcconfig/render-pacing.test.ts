import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RenderPacing } from './render-pacing.ts';

describe('RenderPacing', () => {
  it('lets the first render of a namespace go at once', () => {
    assert.equal(new RenderPacing().waitMs('a', 1_000), 0);
  });

  it('waits factor x the last render time after it ended', () => {
    const pacing = new RenderPacing({ factor: 3 });
    pacing.record('a', 1_000, 1_400); // took 400 ms: idle 1,200 ms after 1,400
    assert.equal(pacing.waitMs('a', 1_400), 1_200);
    assert.equal(pacing.waitMs('a', 2_000), 600);
    assert.equal(pacing.waitMs('a', 2_600), 0);
    assert.equal(pacing.waitMs('b', 1_400), 0, 'namespaces are paced apart');
  });

  it('caps the wait and forgets a namespace', () => {
    const pacing = new RenderPacing({ factor: 3, maxWaitMs: 5_000 });
    pacing.record('a', 0, 10_000);
    assert.equal(pacing.waitMs('a', 10_000), 5_000);
    pacing.forget('a');
    assert.equal(pacing.waitMs('a', 10_000), 0);
  });
});
