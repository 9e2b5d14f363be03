import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_FORM, formOf, formProblem, NOTE_MAX_CHARS, noteBody } from './call-note-form.ts';

test('the body: a picked code and the note; no code picked is null', () => {
  assert.deepEqual(noteBody({ disposition: 'callback', note: 'Monday' }), {
    disposition: 'callback',
    note: 'Monday',
  });
  assert.deepEqual(noteBody({ disposition: '', note: 'wrong number' }), {
    disposition: null,
    note: 'wrong number',
  });
});

test('nothing to save, or a note too long, is said before sending', () => {
  assert.equal(formProblem(EMPTY_FORM), 'Pick an outcome or write a note.');
  assert.equal(formProblem({ disposition: '', note: '   ' }), 'Pick an outcome or write a note.');
  assert.equal(formProblem({ disposition: 'sold', note: '' }), undefined);
  assert.equal(formProblem({ disposition: '', note: 'x'.repeat(NOTE_MAX_CHARS) }), undefined);
  assert.match(
    formProblem({ disposition: 'sold', note: 'x'.repeat(NOTE_MAX_CHARS + 1) }) ?? '',
    /2001 characters long; at most 2000/,
  );
  // counted in characters as the server counts them, not UTF-16 units
  assert.equal(formProblem({ disposition: '', note: '😀'.repeat(NOTE_MAX_CHARS) }), undefined);
});

test('a saved note fills the form; its null code is no pick', () => {
  assert.deepEqual(formOf({ disposition: null, note: 'n' }), { disposition: '', note: 'n' });
  assert.deepEqual(formOf({ disposition: 'sold', note: '' }), { disposition: 'sold', note: '' });
});
