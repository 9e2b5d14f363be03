// call_notes (migration 0004): agents' notes on calls. I/O only; the body is
// checked in api/softphone/call-note.ts.
import type { HistoryDatabase } from './database.ts';

export interface StoredCallNote {
  readonly linkedid: string;
  readonly agent: string;
  readonly disposition: string | null;
  readonly note: string;
  readonly updatedAt: string;
}

/**
 * Whether the SIP username had a channel in the call: CEL is written while
 * the call runs (CDR only when it ends), so a note can be saved during the
 * call. Channel names are "PJSIP/<username>-<n>"; usernames contain no "-"
 * (agents.ts), so the prefix names that agent only; their "_" is escaped
 * (a LIKE wildcard).
 */
export async function wasParty(
  db: HistoryDatabase,
  linkedid: string,
  sipUsername: string,
): Promise<boolean> {
  const prefix = `PJSIP/${sipUsername.replaceAll('_', '\\_')}-%`;
  const r = await db.query(
    `SELECT 1 FROM cel WHERE linkedid = $1 AND channame LIKE $2
     UNION ALL
     SELECT 1 FROM cdr WHERE linkedid = $1 AND (channel LIKE $2 OR dstchannel LIKE $2)
     LIMIT 1`,
    [linkedid, prefix],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function saveCallNote(
  db: HistoryDatabase,
  n: { linkedid: string; agent: string; disposition: string | null; note: string },
): Promise<StoredCallNote> {
  const r = await db.query<{ updated_at: Date }>(
    `INSERT INTO call_notes (linkedid, agent, disposition, note, updated_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (linkedid, agent) DO UPDATE
       SET disposition = EXCLUDED.disposition, note = EXCLUDED.note, updated_at = now()
     RETURNING updated_at`,
    [n.linkedid, n.agent, n.disposition, n.note],
  );
  return { ...n, updatedAt: (r.rows[0]?.updated_at ?? new Date()).toISOString() };
}

export async function notesOf(
  db: HistoryDatabase,
  linkedid: string,
  agent?: string,
): Promise<StoredCallNote[]> {
  const r = await db.query<{
    linkedid: string;
    agent: string;
    disposition: string | null;
    note: string;
    updated_at: Date;
  }>(
    `SELECT linkedid, agent, disposition, note, updated_at FROM call_notes
     WHERE linkedid = $1 AND ($2::text IS NULL OR agent = $2) ORDER BY updated_at`,
    [linkedid, agent ?? null],
  );
  return r.rows.map((x) => ({
    linkedid: x.linkedid,
    agent: x.agent,
    disposition: x.disposition,
    note: x.note,
    updatedAt: x.updated_at.toISOString(),
  }));
}
