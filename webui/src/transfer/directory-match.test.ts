import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DirectoryEntry, matchDirectory } from './directory-match.ts';

const entries: DirectoryEntry[] = [
  { kind: 'queue', name: 'billing', number: '120' },
  { kind: 'queue', name: 'Hotline', number: '117' },
  { kind: 'agent', name: 'Ann Lee', number: '1001' },
  { kind: 'agent', name: 'Zoë Ng', number: '1003' },
];
const names = (q: string) => matchDirectory(entries, q).map((e) => e.name);

describe('matchDirectory', () => {
  it('finds by the start of any word of a name, case and accents ignored', () => {
    assert.deepEqual(names('bil'), ['billing']);
    assert.deepEqual(names('LEE'), ['Ann Lee']);
    assert.deepEqual(names('zoe'), ['Zoë Ng']);
    assert.deepEqual(names('ann l'), ['Ann Lee']);
  });

  it('finds by the start of a number, as typed with spaces', () => {
    assert.deepEqual(names('11'), ['Hotline']);
    assert.deepEqual(names('10 0'), ['Ann Lee', 'Zoë Ng']);
  });

  it('shows the first few when nothing is typed, nothing when nothing matches', () => {
    assert.equal(matchDirectory(entries, '', 2).length, 2);
    assert.deepEqual(names('xyz'), []);
    assert.deepEqual(names('0'), [], 'no number starts with 0');
  });
});
