import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AmiRequest,
  createRequestParser,
  field,
  header,
  parseMessages,
  serialize,
} from './framing.ts';
import { failure, listItem, reply } from './responses.ts';

const req = (...headers: [string, string][]): AmiRequest => ({ headers });

describe('writing messages', () => {
  it('writes CRLF lines and an empty line', () => {
    assert.equal(
      serialize(reply(req(['ActionID', 'p-1']), 'Success', [['Ping', 'Pong']])),
      'Response: Success\r\nActionID: p-1\r\nPing: Pong\r\n\r\n',
    );
  });

  it('reproduces the stray bare LF of a message ending in "\\n" (main_16)', () => {
    assert.equal(
      serialize(failure(req(['ActionID', 'ep-2']), 'Unable to retrieve endpoint nosuchendpoint\n')),
      'Response: Error\r\nActionID: ep-2\r\nMessage: Unable to retrieve endpoint nosuchendpoint\n\r\n\r\n',
    );
  });

  it('writes a bare line (main_12) and leaves out a missing ActionID', () => {
    assert.equal(
      serialize(reply(req(), 'Success', [{ bare: 'No categories found' }])),
      'Response: Success\r\nNo categories found\r\n\r\n',
    );
  });

  it('puts the ActionID after Event:, or last for app_queue lists', () => {
    const r = req(['ActionID', 'x']);
    assert.equal(
      serialize(listItem(r, 'E', [['A', '1']])),
      'Event: E\r\nActionID: x\r\nA: 1\r\n\r\n',
    );
    assert.equal(
      serialize(listItem(r, 'E', [['A', '1']], true)),
      'Event: E\r\nA: 1\r\nActionID: x\r\n\r\n',
    );
  });
});

describe('reading requests', () => {
  it('splits CRLF, bare LF and mixed requests, chunk by chunk', () => {
    const text =
      'Action: Ping\r\nActionID: 1\r\n\r\nAction: Ping\nActionID: 2\n\nAction: Ping\r\nActionID: 3\n\r\n';
    const parser = createRequestParser();
    const got: AmiRequest[] = [];
    for (const c of text) got.push(...parser.push(c));
    assert.deepEqual(
      got.map((r) => header(r, 'ActionID')),
      ['1', '2', '3'],
    );
  });

  it('reads an empty line with no header as an empty request', () => {
    const got = createRequestParser().push('Action: Ping\r\n\r\n\r\n');
    assert.equal(got.length, 2);
    assert.deepEqual(got[1]?.headers, []);
  });

  it('finds headers case-insensitively, the first one, blanks after the colon skipped', () => {
    const [r] = createRequestParser().push(
      'action:  Ping\r\nACTIONID: a\r\nActionID: b\r\nEmpty:\r\n\r\n',
    );
    assert.ok(r);
    assert.equal(header(r, 'Action'), 'Ping');
    assert.equal(header(r, 'ActionID'), 'a');
    assert.equal(header(r, 'Empty'), undefined, 'an empty value counts as absent');
  });
});

describe('reading answers', () => {
  it('tolerates the stray LF and bare lines, and keeps an incomplete tail', () => {
    const text =
      'Response: Error\r\nMessage: No Contacts found\n\r\n\r\n' +
      'Response: Success\r\nNo categories found\r\n\r\n' +
      'Event: Reload\r\nModule: res_pjsip.so\r\n';
    const { messages, rest } = parseMessages(text);
    assert.equal(messages.length, 2);
    assert.equal(field(messages[0] ?? { lines: [] }, 'Message'), 'No Contacts found');
    assert.deepEqual(messages[1]?.lines[1], { bare: 'No categories found' });
    assert.equal(rest, 'Event: Reload\r\nModule: res_pjsip.so\r\n');
  });
});
