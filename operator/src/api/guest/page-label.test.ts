import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors.ts';
import { cleanPageLabel, PAGE_LABEL_MAX, pageLabelProblem } from './page-label.ts';
import { requestedPageLabel } from './routes.ts';

test('a plain label passes, accents and Krio/French included', () => {
  for (const l of ['Passport renewal', 'Santé publique / Vaccins', "Ebola & Lassa 'help'"])
    assert.equal(pageLabelProblem(l), undefined, l);
});

test('dialplan, AMI and SIP syntax is refused naming the field', () => {
  for (const l of [
    `$${'{'}SHELL(id)}`,
    'a\r\nAction: Command',
    '"x" <sip:1000@x>',
    'a,b',
    'a;b',
    'x~1',
    'a\\b',
    '[x]',
  ])
    assert.match(pageLabelProblem(l) ?? '', /^pageLabel may hold only/, l);
});

test('the length limit counts characters, not bytes', () => {
  assert.equal(pageLabelProblem('é'.repeat(PAGE_LABEL_MAX)), undefined);
  assert.match(pageLabelProblem('a'.repeat(PAGE_LABEL_MAX + 1)) ?? '', /at most 60/);
  assert.match(pageLabelProblem(' x') ?? '', /spaces/);
});

test('cleanPageLabel makes any title acceptable', () => {
  assert.equal(cleanPageLabel('  Passports | Ministry (Home)\n'), 'Passports Ministry Home');
  assert.equal(cleanPageLabel(`$${'{'}EVIL}`), 'EVIL');
  const long = cleanPageLabel(`${'word '.repeat(30)}`);
  assert.ok([...long].length <= PAGE_LABEL_MAX);
  assert.equal(pageLabelProblem(long), undefined);
  for (const t of ['"a" <b>', 'x~y', 'a,,b;c', '\u0000\u202e'])
    assert.equal(pageLabelProblem(cleanPageLabel(t)), undefined, t);
});

test('the POST body: empty or {pageLabel}; anything else is a 400 naming the field', () => {
  for (const empty of [undefined, null, '', {}, { pageLabel: '' }])
    assert.equal(requestedPageLabel(empty), undefined);
  assert.equal(requestedPageLabel({ pageLabel: 'Passports' }), 'Passports');
  const refused = (body: unknown, message: RegExp) =>
    assert.throws(
      () => requestedPageLabel(body),
      (e: unknown) => e instanceof HttpError && e.statusCode === 400 && message.test(e.message),
    );
  refused({ pageLabel: 42 }, /pageLabel must be a string/);
  refused({ pageLabel: 'a;b' }, /pageLabel may hold only/);
  refused({ pageLabel: 'x', token: 'f'.repeat(64) }, /unknown field token/);
  refused([], /JSON object/);
  refused('text', /JSON object/);
});
