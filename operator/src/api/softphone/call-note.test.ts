import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCallNote, checkLinkedid, NOTE_MAX_CHARS } from './call-note.ts';

const list = [
  { code: 'resolved', label: 'Resolved' },
  { code: 'callback', label: 'Call back' },
];
const message = (r: ReturnType<typeof checkCallNote>) => (r.ok ? '' : r.message);

describe('checkCallNote', () => {
  it('accepts a listed code and a note', () => {
    assert.deepEqual(checkCallNote({ disposition: 'resolved', note: 'ok' }, list), {
      ok: true,
      value: { disposition: 'resolved', note: 'ok' },
    });
    assert.deepEqual(checkCallNote({ note: 'just text' }, []), {
      ok: true,
      value: { disposition: null, note: 'just text' },
    });
  });
  it('refuses a code not in the list, naming the field and the codes', () => {
    assert.match(
      message(checkCallNote({ disposition: 'won' }, list)),
      /^disposition: "won" is not one of resolved, callback$/,
    );
    assert.match(message(checkCallNote({ disposition: 'won' }, [])), /none are defined/);
    assert.match(message(checkCallNote({ disposition: 3 }, list)), /^disposition: must be/);
  });
  it('refuses a note over the limit (in characters, not UTF-16 units) and non-strings', () => {
    const emoji = '😀'.repeat(NOTE_MAX_CHARS);
    assert.equal(checkCallNote({ disposition: 'resolved', note: emoji }, list).ok, true);
    assert.match(
      message(checkCallNote({ note: `${emoji}x` }, list)),
      /^note: at most 2000 characters \(got 2001\)$/,
    );
    assert.match(message(checkCallNote({ note: 5 }, list)), /^note: must be a string$/);
  });
  it('refuses an empty note, unknown fields and non-objects', () => {
    assert.match(message(checkCallNote({ note: '  ' }, list)), /^disposition: pick one/);
    assert.match(
      message(checkCallNote({ note: 'x', agent: 'bob' }, list)),
      /^agent: unknown field$/,
    );
    assert.match(message(checkCallNote([], list)), /JSON object/);
    assert.match(message(checkCallNote(null, list)), /JSON object/);
  });
});

describe('checkLinkedid', () => {
  it('takes Asterisk ids and refuses anything else', () => {
    assert.equal(checkLinkedid('1733470000.42').ok, true);
    assert.equal(checkLinkedid('asterisk-0-1733470000.42').ok, true);
    assert.equal(checkLinkedid("1'; drop").ok, false);
    assert.equal(checkLinkedid('').ok, false);
  });
});
