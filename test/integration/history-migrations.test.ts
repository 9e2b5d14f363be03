// The history schema's migrations against a real PostgreSQL (Debian's
// package, started by scripts/lib/postgres-process.ts): from an empty
// database, again (nothing changes), from every earlier version to the same
// schema as from empty, two runners at once, and the runner's refusals: a
// released migration that changed, a failing one (rolled back whole), a
// database newer than the code (left alone).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { MIGRATIONS_TABLE, type Migration, migrate } from '../../operator/src/history/migrate.ts';
import { MIGRATIONS } from '../../operator/src/history/migrations/index.ts';
import type { DatabaseAccess } from '../../scripts/lib/postgres-process.ts';
import { startTestPostgres, type TestPostgres, withClient } from '../support/postgres.ts';

let pgServer: TestPostgres;
let databases = 0;
const figures: Record<string, string> = {};
const fresh = () => pgServer.database(`migrations_${++databases}`);

/** Tables, columns (type, nullability, default), indexes and comments of the public schema. */
async function schema(c: pg.Client): Promise<unknown> {
  const columns = await c.query(`
    SELECT table_name, column_name, data_type, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public'
     ORDER BY table_name, ordinal_position`);
  const indexes = await c.query(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
  );
  const comments = await c.query(`
    SELECT c.relname, a.attname, d.description FROM pg_description d
      JOIN pg_class c ON c.oid = d.objoid
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
     ORDER BY 1, 2`);
  return { columns: columns.rows, indexes: indexes.rows, comments: comments.rows };
}

const applied = (c: pg.Client) =>
  c
    .query<{ version: number; name: string }>(
      `SELECT version, name FROM ${MIGRATIONS_TABLE} ORDER BY version`,
    )
    .then((r) => r.rows);

before(async () => {
  pgServer = await startTestPostgres();
  figures['PostgreSQL start (initdb + ready)'] = `${Math.round(pgServer.startMs)} ms`;
});
after(async () => {
  console.log(`figures (history migrations): ${JSON.stringify(figures, null, 1)}`);
  await pgServer?.close();
});

describe('history schema migrations on a real PostgreSQL', () => {
  let newest: unknown;

  it('creates the CDR and CEL tables from an empty database', async () => {
    const db = await fresh();
    await withClient(db, async (c) => {
      const started = performance.now();
      const outcome = await migrate(c, MIGRATIONS);
      figures['migrate an empty database'] = `${Math.round(performance.now() - started)} ms`;
      assert.deepEqual(outcome, {
        applied: MIGRATIONS.map((m) => m.version),
        version: MIGRATIONS.length,
      });
      assert.deepEqual(
        await applied(c),
        MIGRATIONS.map(({ version, name }) => ({ version, name })),
      );
      newest = await schema(c);
      const cols = async (table: string) =>
        (
          await c.query<{ column_name: string }>(
            `SELECT column_name FROM information_schema.columns WHERE table_name = $1`,
            [table],
          )
        ).rows.map((r) => r.column_name);
      // Every field cdr_pgsql fills (ast_cdr_format_var) and cel_pgsql writes (cel_pgsql.c).
      for (const f of [
        'start',
        'answer',
        'end',
        'clid',
        'src',
        'dst',
        'dcontext',
        'channel',
        'dstchannel',
        'lastapp',
        'lastdata',
        'duration',
        'billsec',
        'disposition',
        'amaflags',
        'accountcode',
        'peeraccount',
        'uniqueid',
        'linkedid',
        'userfield',
        'sequence',
        'tenantid',
        'peertenantid',
      ])
        assert.ok((await cols('cdr')).includes(f), `cdr.${f}`);
      for (const f of [
        'eventtype',
        'eventtime',
        'userdeftype',
        'cid_name',
        'cid_num',
        'cid_ani',
        'cid_rdnis',
        'cid_dnid',
        'exten',
        'context',
        'channame',
        'appname',
        'appdata',
        'accountcode',
        'peeraccount',
        'uniqueid',
        'linkedid',
        'amaflags',
        'userfield',
        'peer',
        'extra',
      ])
        assert.ok((await cols('cel')).includes(f), `cel.${f}`);
      const indexes = (
        await c.query<{ indexname: string }>('SELECT indexname FROM pg_indexes')
      ).rows.map((r) => r.indexname);
      for (const i of [
        'cdr_start_idx',
        'cdr_linkedid_idx',
        'cel_linkedid_idx',
        'cel_eventtime_idx',
      ])
        assert.ok(indexes.includes(i), i);
    });
  });

  it('changes nothing when run again', async () => {
    const db = await fresh();
    await withClient(db, async (c) => {
      await migrate(c, MIGRATIONS);
      const first = await schema(c);
      assert.deepEqual(await migrate(c, MIGRATIONS), { applied: [], version: MIGRATIONS.length });
      assert.deepEqual(await schema(c), first);
      assert.equal((await applied(c)).length, MIGRATIONS.length);
    });
  });

  it('reaches the same schema from every earlier version as from empty', async () => {
    for (let from = 0; from < MIGRATIONS.length; from++) {
      const db = await fresh();
      await withClient(db, async (c) => {
        await migrate(c, MIGRATIONS.slice(0, from));
        const outcome = await migrate(c, MIGRATIONS);
        assert.deepEqual(
          outcome.applied,
          MIGRATIONS.slice(from).map((m) => m.version),
          `from version ${from}`,
        );
        assert.deepEqual(await schema(c), newest, `from version ${from}`);
      });
    }
  });

  it('upgrades a database holding rows, applying only the new version', async () => {
    const v1: Migration = {
      version: 1,
      name: 'calls',
      sql: 'CREATE TABLE calls (id int PRIMARY KEY)',
    };
    const v2: Migration = {
      version: 2,
      name: 'calls.queue',
      sql: "ALTER TABLE calls ADD COLUMN queue text NOT NULL DEFAULT 'support'",
    };
    const db = await fresh();
    await withClient(db, async (c) => {
      await migrate(c, [v1]);
      await c.query('INSERT INTO calls VALUES (1), (2)');
      assert.deepEqual(await migrate(c, [v1, v2]), { applied: [2], version: 2 });
      const rows = (await c.query('SELECT id, queue FROM calls ORDER BY id')).rows;
      assert.deepEqual(rows, [
        { id: 1, queue: 'support' },
        { id: 2, queue: 'support' },
      ]);
    });
  });

  it('lets one of two concurrent runners apply each version; the other waits and finds nothing to do', async () => {
    const db = await fresh();
    const outcomes = await Promise.all([
      withClient(db, (c) => migrate(c, MIGRATIONS)),
      withClient(db, (c) => migrate(c, MIGRATIONS)),
    ]);
    const all = outcomes.flatMap((o) => o.applied).sort();
    assert.deepEqual(all, MIGRATIONS.map((m) => m.version).sort());
    for (const o of outcomes) assert.equal(o.version, MIGRATIONS.length);
    await withClient(db, async (c) => assert.deepEqual(await schema(c), newest));
  });

  it('refuses a released migration whose text changed', async () => {
    const db = await fresh();
    const v1: Migration = { version: 1, name: 'calls', sql: 'CREATE TABLE calls (id int)' };
    await withClient(db, async (c) => {
      await migrate(c, [v1]);
      await assert.rejects(
        migrate(c, [{ ...v1, sql: 'CREATE TABLE calls (id bigint)' }]),
        /version 1 \("calls"\) was applied with a different text/,
      );
    });
  });

  it('rolls a failing version back whole and keeps the versions before it', async () => {
    const db: DatabaseAccess = await fresh();
    const v1: Migration = { version: 1, name: 'calls', sql: 'CREATE TABLE calls (id int)' };
    const bad: Migration = {
      version: 2,
      name: 'half done',
      sql: 'CREATE TABLE legs (id int); ALTER TABLE nowhere ADD COLUMN x int',
    };
    await withClient(db, async (c) => {
      await assert.rejects(
        migrate(c, [v1, bad]),
        /history schema version 2 \("half done"\) failed: relation "nowhere" does not exist/,
      );
      assert.deepEqual(await applied(c), [{ version: 1, name: 'calls' }]);
      const legs = await c.query(`SELECT to_regclass('legs') AS t`);
      assert.equal(legs.rows[0].t, null, 'nothing of version 2 is left');
      // the advisory lock was released: a fixed list runs
      assert.deepEqual(await migrate(c, [v1]), { applied: [], version: 1 });
    });
  });

  it('leaves a database newer than the code alone (an operator rolled back)', async () => {
    const db = await fresh();
    const v1: Migration = { version: 1, name: 'calls', sql: 'CREATE TABLE calls (id int)' };
    const v2: Migration = { version: 2, name: 'legs', sql: 'CREATE TABLE legs (id int)' };
    await withClient(db, async (c) => {
      await migrate(c, [v1, v2]);
      assert.deepEqual(await migrate(c, [v1]), { applied: [], version: 2, newerThanCode: 2 });
    });
  });
});
