import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadHistorySettings } from './settings.ts';

describe('loadHistorySettings', () => {
  it('is off without a host', () => {
    assert.equal(loadHistorySettings({}), undefined);
    assert.equal(loadHistorySettings({ HISTORY_DB_HOST: ' ' }), undefined);
  });

  it('fills defaults and reads the password file without its newline', () => {
    const s = loadHistorySettings(
      { HISTORY_DB_HOST: 'db.example', HISTORY_DB_PASSWORD_FILE: '/run/pw' },
      (p) => (p === '/run/pw' ? 's3cret\n' : ''),
    );
    assert.deepEqual(s, {
      host: 'db.example',
      port: 5432,
      database: 'switchboard',
      user: 'switchboard',
      password: 's3cret',
      sslMode: 'prefer',
      sslRootCertFile: undefined,
    });
  });

  it('names the bad setting, never the password', () => {
    const base = { HISTORY_DB_HOST: 'db', HISTORY_DB_PASSWORD: 'hunter2' };
    for (const [env, message] of [
      [{ HISTORY_DB_PORT: '70000' }, /HISTORY_DB_PORT must be a port/],
      [{ HISTORY_DB_SSLMODE: 'maybe' }, /HISTORY_DB_SSLMODE must be one of/],
      [{ HISTORY_DB_SSLMODE: 'verify-full' }, /needs HISTORY_DB_SSLROOTCERT/],
    ] as const) {
      assert.throws(
        () => loadHistorySettings({ ...base, ...env }),
        (err: Error) => message.test(err.message) && !err.message.includes('hunter2'),
      );
    }
    assert.throws(
      () =>
        loadHistorySettings({ HISTORY_DB_HOST: 'db', HISTORY_DB_PASSWORD_FILE: '/nope' }, () => {
          throw Object.assign(new Error('x'), { code: 'ENOENT' });
        }),
      /HISTORY_DB_PASSWORD_FILE \/nope cannot be read \(ENOENT\)/,
    );
  });
});
