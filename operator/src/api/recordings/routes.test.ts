import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../errors.ts';
import { LIST_LIMIT_MAX, listQuery, startsPlayback } from './routes.ts';

describe('recordings list query', () => {
  it('reads the call, the period and the limit', () => {
    assert.deepEqual(listQuery({}), { limit: 100 });
    assert.deepEqual(
      listQuery({
        linkedid: '1733460000.12',
        from: '2026-12-01',
        to: '2026-12-02T00:00:00Z',
        limit: '5',
      }),
      {
        linkedid: '1733460000.12',
        from: new Date('2026-12-01'),
        to: new Date('2026-12-02T00:00:00Z'),
        limit: 5,
      },
    );
  });

  it('refuses bad parameters with a 400 naming the field', () => {
    for (const [q, field] of [
      [{ from: 'yesterday' }, /^from: /],
      [{ to: '2026-13-45' }, /^to: /],
      [{ from: '2026-12-02', to: '2026-12-01' }, /^from: must be before to/],
      [{ limit: '0' }, /^limit: /],
      [{ limit: String(LIST_LIMIT_MAX + 1) }, /^limit: /],
      [{ limit: '2.5' }, /^limit: /],
      [{ linkedid: "x' OR 1=1" }, /^linkedid: /],
    ] as const)
      assert.throws(
        () => listQuery(q),
        (err: unknown) =>
          err instanceof HttpError && err.statusCode === 400 && field.test(err.message),
        JSON.stringify(q),
      );
  });
});

describe('startsPlayback', () => {
  it('counts a request from byte 0 as a playback and other ranges as seeks', () => {
    assert.equal(startsPlayback(undefined), true);
    assert.equal(startsPlayback('bytes=0-'), true);
    assert.equal(startsPlayback('bytes=0-1023'), true);
    assert.equal(startsPlayback('bytes=1000-1999'), false);
    assert.equal(startsPlayback('bytes=-100'), false);
  });
});
