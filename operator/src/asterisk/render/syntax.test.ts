import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callerId, NAME_MAX_BYTES, safeName, section, truncateUtf8 } from './syntax.ts';

describe('config text', () => {
  it('writes headers with template options and key = value lines', () => {
    assert.equal(section('a', [['k', 1]], '!'), '[a](!)\nk = 1\n');
    assert.equal(section('b', [['k', 'v']]), '[b]\nk = v\n');
  });

  it('keeps names of any script and drops what would break a value', () => {
    assert.equal(safeName('Zoë Ñúñez 李小龍', 'x'), 'Zoë Ñúñez 李小龍');
    assert.equal(safeName('Zoë "Z" <O\'Neil>; drop', 'x'), "Zoë 'Z' O'Neil drop");
    assert.equal(safeName('evil\n[x]\ntype=auth', 'x'), 'evil x type auth');
    assert.equal(safeName('a,b(c)[d]\\e\t\u0000f', 'x'), 'a b c d e f');
    // Decomposed input is composed, so the same name always renders the same bytes.
    assert.equal(safeName('Zoe\u0308', 'x'), 'Zoë');
  });

  it('fits the 80-byte name buffers without splitting a character', () => {
    const long = 'Łukasz Żółć 李小龍 '.repeat(10);
    const name = safeName(long, 'x');
    assert.ok(Buffer.byteLength(name) <= NAME_MAX_BYTES);
    assert.ok(long.startsWith(name), 'a prefix of the cleaned name');
    assert.ok(!name.includes('\uFFFD'));
    assert.equal(truncateUtf8('aé李', 5), 'aé');
    assert.equal(truncateUtf8('aé李', 6), 'aé李');
  });

  it('falls back when nothing printable is left', () => {
    assert.equal(safeName('"""  ;;', 'agent_1'), "'''");
    assert.equal(safeName(' ;\n<>', 'agent_1'), 'agent_1');
  });

  it('builds a caller ID the parser cannot misread', () => {
    assert.equal(callerId(safeName('Ann "Boss" <ceo>', 'u'), 1001), `"Ann 'Boss' ceo" <1001>`);
  });
});
