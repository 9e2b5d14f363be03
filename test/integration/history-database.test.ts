// The operator's history database handle against a real PostgreSQL: a
// database that is down at start-up is reported unavailable (with a reason
// that never carries the password) and picked up when it comes back, the
// leader migrates it then, and a restart mid-way refuses reads clearly and
// recovers by itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HistoryDatabase, HistoryUnavailableError } from '../../operator/src/history/database.ts';
import { MIGRATIONS } from '../../operator/src/history/migrations/index.ts';
import { silentLogger } from '../../operator/src/log.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { waitUntil } from '../support/wait.ts';

describe('history database (real PostgreSQL)', () => {
  let pg: TestPostgres;
  let access: DatabaseAccess;
  let db: HistoryDatabase;

  before(async () => {
    pg = await startTestPostgres();
    access = await pg.database('history_handle');
  });
  after(async () => {
    await db?.close();
    await pg?.close();
  });

  it('down at start: unavailable with a reason; back: ready and migrated by the leader', async () => {
    await pg.server.stop();
    db = new HistoryDatabase(
      { ...access, sslMode: 'disable', sslRootCertFile: undefined },
      { logger: silentLogger, retryMs: 100 },
    );
    await db.start();
    await db.becomeLeader();
    const down = db.state();
    assert.equal(down.state, 'unavailable');
    assert.match(
      down.state === 'unavailable' ? down.reason : '',
      /connection refused by 127\.0\.0\.1:\d+/,
    );
    await assert.rejects(db.query('SELECT 1'), (err: Error) => {
      assert.ok(err instanceof HistoryUnavailableError);
      assert.match(err.message, /^call history is unavailable: /);
      assert.ok(!err.message.includes(access.password));
      return true;
    });

    await pg.server.start();
    await waitUntil('history ready', () => db.state().state === 'ready', 10_000);
    assert.deepEqual(db.state(), { state: 'ready', schemaVersion: MIGRATIONS.length });
    const { rows } = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('cdr', 'cel', 'queue_log')",
    );
    assert.equal(rows[0]?.n, '3');
  });

  it('a restart mid-way refuses reads with HistoryUnavailableError, then recovers by itself', async () => {
    await pg.server.stop();
    await assert.rejects(db.query('SELECT 1'), HistoryUnavailableError);
    assert.equal(db.state().state, 'unavailable');
    await pg.server.start();
    await waitUntil('history ready again', () => db.state().state === 'ready', 10_000);
    assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
  });

  it('a statement error is the statement\'s, not "unavailable"', async () => {
    await assert.rejects(db.query('SELECT * FROM no_such_table'), (err: Error) => {
      assert.ok(!(err instanceof HistoryUnavailableError));
      assert.match(err.message, /no_such_table/);
      return true;
    });
    assert.equal(db.state().state, 'ready');
  });
});
