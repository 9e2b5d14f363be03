import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SPOOL_FILE } from './asterisk-config.ts';
import { loadSpoolShipperSettings } from './spool-settings.ts';

const files: Record<string, string> = { '/run/pw/password': 'hunter2\n', '/run/ca/ca.crt': 'PEM' };
const readFile = (p: string) => {
  const text = files[p];
  if (text === undefined) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
  return text;
};
const base = { HISTORY_DB_HOST: 'db', HISTORY_DB_PASSWORD_FILE: '/run/pw/password' };

describe('loadSpoolShipperSettings', () => {
  it('fills defaults: the image spool file, port 8090, a look every second', () => {
    assert.deepEqual(loadSpoolShipperSettings(base, readFile), {
      spoolFile: SPOOL_FILE,
      database: {
        host: 'db',
        port: 5432,
        database: 'switchboard',
        user: 'switchboard',
        password: 'hunter2',
        sslMode: 'prefer',
        sslRootCertFile: undefined,
      },
      passwordFile: '/run/pw/password',
      healthHost: '0.0.0.0',
      healthPort: 8090,
      intervalMs: 1000,
    });
  });

  it('takes what the chart sets, TLS included', () => {
    const s = loadSpoolShipperSettings(
      {
        ...base,
        HISTORY_DB_PORT: '5433',
        HISTORY_DB_NAME: 'calls',
        HISTORY_DB_USER: 'app',
        HISTORY_DB_SSLMODE: 'verify-full',
        HISTORY_DB_SSLROOTCERT: '/run/ca/ca.crt',
        SPOOL_FILE: '/spool/q.sqlite3',
        SPOOL_HEALTH_HOST: '127.0.0.1',
        SPOOL_HEALTH_PORT: '9000',
        SPOOL_INTERVAL_MS: '200',
      },
      readFile,
    );
    assert.equal(s.spoolFile, '/spool/q.sqlite3');
    assert.deepEqual(
      [s.database.port, s.database.database, s.database.user, s.database.sslMode],
      [5433, 'calls', 'app', 'verify-full'],
    );
    assert.equal(s.database.sslRootCertFile, '/run/ca/ca.crt');
    assert.deepEqual([s.healthHost, s.healthPort, s.intervalMs], ['127.0.0.1', 9000, 200]);
  });

  it('refuses a password in the environment, without echoing it', () => {
    assert.throws(
      () => loadSpoolShipperSettings({ ...base, HISTORY_DB_PASSWORD: 'hunter2' }, readFile),
      (err: Error) =>
        /HISTORY_DB_PASSWORD is not read/.test(err.message) && !err.message.includes('hunter2'),
    );
  });

  it('names each missing or bad setting, never the password', () => {
    for (const [env, message] of [
      [{ HISTORY_DB_HOST: 'db' }, /HISTORY_DB_PASSWORD_FILE must name/],
      [{ HISTORY_DB_PASSWORD_FILE: '/run/pw/password' }, /HISTORY_DB_HOST must name/],
      [{ ...base, HISTORY_DB_PASSWORD_FILE: '/nope' }, /\/nope cannot be read \(ENOENT\)/],
      [{ ...base, HISTORY_DB_PORT: 'x' }, /HISTORY_DB_PORT must be a port/],
      [{ ...base, HISTORY_DB_SSLMODE: 'verify-ca' }, /needs HISTORY_DB_SSLROOTCERT/],
      [{ ...base, SPOOL_FILE: 'spool.sqlite3' }, /SPOOL_FILE must be an absolute path/],
      [{ ...base, SPOOL_HEALTH_PORT: '0' }, /SPOOL_HEALTH_PORT must be an integer from 1 to 65535/],
      [{ ...base, SPOOL_INTERVAL_MS: '1.5' }, /SPOOL_INTERVAL_MS must be an integer/],
    ] as const)
      assert.throws(
        () => loadSpoolShipperSettings(env, readFile),
        (err: Error) => message.test(err.message) && !err.message.includes('hunter2'),
        String(message),
      );
  });
});
