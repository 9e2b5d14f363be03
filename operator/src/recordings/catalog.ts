// The recordings as the call records know them (cdr.recording, migration
// 0004) and where their files are (the recordings directory: Asterisk's
// monitor directory, shared with the operator). Reads and writes go through
// the history database; the file system is touched only with a checked id
// (recording-id.ts).
import { stat, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { HistoryDatabase } from '../history/database.ts';

export interface RecordingRow {
  readonly id: string;
  readonly linkedid: string | null;
  readonly uniqueid: string | null;
  /** ISO times in UTC. */
  readonly start: string | null;
  readonly answer: string | null;
  readonly end: string | null;
  readonly billsec: number | null;
  readonly src: string | null;
  readonly dst: string | null;
  /** The agent's channel (PJSIP/<username>-...). */
  readonly dstchannel: string | null;
  readonly retentionDays: number | null;
  readonly expiresAt: string | null;
}

export interface ListedRecording extends RecordingRow {
  /** false: the call record names a file the recordings volume does not have. */
  readonly available: boolean;
  readonly bytes: number | null;
}

export interface ListQuery {
  readonly linkedid?: string;
  /** Calls that started at or after (inclusive) and before (exclusive), UTC. */
  readonly from?: Date;
  readonly to?: Date;
  readonly limit: number;
}

const iso = (t: unknown) => (t instanceof Date ? t.toISOString() : null);

// cdr times are UTC `timestamp`s: pg reads them as local times unless told;
// `AT TIME ZONE 'UTC'` makes them timestamptz, which pg returns as instants.
const COLUMNS = `recording AS id, linkedid, uniqueid,
  start AT TIME ZONE 'UTC' AS start, answer AT TIME ZONE 'UTC' AS answer,
  "end" AT TIME ZONE 'UTC' AS "end", billsec, src, dst, dstchannel,
  recording_retention_days AS retention_days,
  (start + make_interval(days => coalesce(recording_retention_days, 0))) AT TIME ZONE 'UTC' AS expires_at`;

interface Raw {
  id: string;
  linkedid: string | null;
  uniqueid: string | null;
  start: Date | null;
  answer: Date | null;
  end: Date | null;
  billsec: number | null;
  src: string | null;
  dst: string | null;
  dstchannel: string | null;
  retention_days: number | null;
  expires_at: Date | null;
}

const toRow = (r: Raw): RecordingRow => ({
  id: r.id,
  linkedid: r.linkedid,
  uniqueid: r.uniqueid,
  start: iso(r.start),
  answer: iso(r.answer),
  end: iso(r.end),
  billsec: r.billsec,
  src: r.src,
  dst: r.dst,
  dstchannel: r.dstchannel,
  retentionDays: r.retention_days,
  expiresAt: iso(r.expires_at),
});

export class RecordingCatalog {
  readonly #db: HistoryDatabase;
  readonly #dir: string;

  constructor(db: HistoryDatabase, dir: string) {
    this.#db = db;
    this.#dir = resolve(dir);
  }

  get dir(): string {
    return this.#dir;
  }

  /** The file of a checked id; refuses (throws) anything that would leave the directory. */
  path(id: string): string {
    const p = resolve(join(this.#dir, id));
    if (!p.startsWith(this.#dir + sep)) throw new Error(`recording id ${id} leaves the directory`);
    return p;
  }

  /** Bytes on disk, or undefined when the file is missing. */
  async size(id: string): Promise<number | undefined> {
    try {
      const s = await stat(this.path(id));
      return s.isFile() ? s.size : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(q: ListQuery): Promise<ListedRecording[]> {
    const where = ['recording IS NOT NULL'];
    const values: unknown[] = [];
    if (q.linkedid !== undefined) {
      values.push(q.linkedid);
      where.push(`linkedid = $${values.length}`);
    }
    if (q.from) {
      values.push(q.from.toISOString());
      where.push(`start >= ($${values.length}::timestamptz AT TIME ZONE 'UTC')`);
    }
    if (q.to) {
      values.push(q.to.toISOString());
      where.push(`start < ($${values.length}::timestamptz AT TIME ZONE 'UTC')`);
    }
    values.push(q.limit);
    const { rows } = await this.#db.query<Raw>(
      `SELECT ${COLUMNS} FROM cdr WHERE ${where.join(' AND ')} ORDER BY start DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    return Promise.all(
      rows.map(async (r) => {
        const bytes = await this.size(r.id);
        return { ...toRow(r), available: bytes !== undefined, bytes: bytes ?? null };
      }),
    );
  }

  async find(id: string): Promise<RecordingRow | undefined> {
    const { rows } = await this.#db.query<Raw>(
      `SELECT ${COLUMNS} FROM cdr WHERE recording = $1 ORDER BY id LIMIT 1`,
      [id],
    );
    return rows[0] && toRow(rows[0]);
  }

  async logAccess(a: {
    recording: string;
    linkedid: string | null;
    action: 'play' | 'download';
    principal: string;
    client: string;
  }): Promise<void> {
    await this.#db.query(
      'INSERT INTO recording_access (recording, linkedid, action, principal, client) VALUES ($1, $2, $3, $4, $5)',
      [a.recording, a.linkedid, a.action, a.principal, a.client],
    );
  }

  /** Recordings past their retention at `now`, oldest first. */
  async expired(now: Date, limit: number): Promise<string[]> {
    const { rows } = await this.#db.query<{ id: string }>(
      `SELECT recording AS id FROM cdr
        WHERE recording IS NOT NULL
          AND start + make_interval(days => coalesce(recording_retention_days, 0)) < ($1::timestamptz AT TIME ZONE 'UTC')
        GROUP BY recording ORDER BY min(start) LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map((r) => r.id);
  }

  /** Deletes the file (gone already is fine), then unlinks the call records from it. */
  async remove(id: string): Promise<void> {
    await unlink(this.path(id)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await this.#db.query('UPDATE cdr SET recording = NULL WHERE recording = $1', [id]);
  }
}
