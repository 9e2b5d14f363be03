// call_notes on a real PostgreSQL (migration 4, history/call-notes.ts): who
// counts as a party of a call (a CEL row while the call runs, a CDR row
// after it; another agent's or a look-alike username's channel does not),
// the note saved once per call and agent (saving again updates it), and the
// length limit held by the table itself too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { notesOf, saveCallNote, wasParty } from '../../operator/src/history/call-notes.ts';
import { HistoryDatabase } from '../../operator/src/history/database.ts';
import { silentLogger } from '../../operator/src/log.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { waitUntil } from '../support/wait.ts';

describe('call notes (real PostgreSQL)', () => {
  let pg: TestPostgres;
  let db: HistoryDatabase;

  before(async () => {
    pg = await startTestPostgres();
    const access = await pg.database('history_notes');
    db = new HistoryDatabase(
      { ...access, sslMode: 'disable', sslRootCertFile: undefined },
      { logger: silentLogger, retryMs: 100 },
    );
    await db.start();
    await db.becomeLeader();
    await waitUntil('history ready', () => db.state().state === 'ready', 10_000);
    // A hotline call 100.1: the caller cara, answered by ann_1 (CEL only: still running);
    // a finished call 200.1 from bob to the echo test (CDR).
    await db.query(
      `INSERT INTO cel (eventtype, channame, linkedid) VALUES
         ('CHAN_START', 'PJSIP/cara-00000001', '100.1'),
         ('CHAN_START', 'PJSIP/ann_1-00000002', '100.1')`,
    );
    await db.query(
      `INSERT INTO cdr (channel, dstchannel, linkedid, uniqueid) VALUES
         ('PJSIP/bob-00000003', '', '200.1', '200.1')`,
    );
  });
  after(async () => {
    await db?.close();
    await pg?.close();
  });

  it('a party is an agent with a channel in the call, and only that agent', async () => {
    assert.equal(await wasParty(db, '100.1', 'ann_1'), true, 'CEL, during the call');
    assert.equal(await wasParty(db, '200.1', 'bob'), true, 'CDR, after the call');
    assert.equal(await wasParty(db, '100.1', 'bob'), false, "someone else's call");
    // "_" is a LIKE wildcard: "annx1" must not match ann_1's channel.
    assert.equal(await wasParty(db, '100.1', 'annx1'), false);
    assert.equal(await wasParty(db, '100.1', 'ann'), false, 'a prefix of the username');
    assert.equal(await wasParty(db, '999.9', 'ann_1'), false, 'no such call');
  });

  it('one note per call and agent: saving again updates it', async () => {
    const first = await saveCallNote(db, {
      linkedid: '100.1',
      agent: 'ann_1',
      disposition: 'callback',
      note: 'call back on Monday',
    });
    const second = await saveCallNote(db, {
      linkedid: '100.1',
      agent: 'ann_1',
      disposition: 'resolved',
      note: 'sorted',
    });
    assert.ok(second.updatedAt >= first.updatedAt);
    await saveCallNote(db, { linkedid: '100.1', agent: 'cara', disposition: null, note: 'x' });
    const notes = await notesOf(db, '100.1');
    assert.deepEqual(
      notes.map(({ agent, disposition, note }) => ({ agent, disposition, note })),
      [
        { agent: 'ann_1', disposition: 'resolved', note: 'sorted' },
        { agent: 'cara', disposition: null, note: 'x' },
      ],
    );
    assert.deepEqual(
      (await notesOf(db, '100.1', 'cara')).map((n) => n.agent),
      ['cara'],
    );
    await assert.rejects(
      saveCallNote(db, {
        linkedid: '100.1',
        agent: 'ann_1',
        disposition: null,
        note: 'y'.repeat(2001),
      }),
      /call_notes_note_check/,
    );
  });
});
