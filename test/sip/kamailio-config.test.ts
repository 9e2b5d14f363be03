import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderKamailioConfig } from './kamailio-config.ts';

test('users, extensions and aliases land in the htables; output is deterministic', () => {
  const input = {
    port: 5080,
    users: [{ username: 'alice', password: 'pw1', extension: '1001' }],
    aliases: { '117': '1001' },
  };
  const cfg = renderKamailioConfig(input);
  assert.equal(cfg, renderKamailioConfig(input));
  assert.match(cfg, /listen=tcp:127\.0\.0\.1:5080/);
  assert.match(cfg, /\$sht\(users=>alice\) = "pw1";/);
  assert.match(cfg, /\$sht\(ext=>1001\) = "alice";/);
  assert.match(cfg, /\$sht\(ext=>117\) = \$sht\(ext=>1001\);/);
  assert.match(cfg, /tcp_accept_no_cl=yes/);
});

test('values that could break out of a string literal are refused', () => {
  assert.throws(
    () =>
      renderKamailioConfig({
        port: 5080,
        users: [{ username: 'a', password: 'x";exit;"', extension: '1' }],
      }),
    /unsafe value/,
  );
});
