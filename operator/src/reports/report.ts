// A queue report from the history database: the figures of the period and
// queue, shaped for the API. I/O only through `query`. The call figures come
// from the rollup plus raw rows (rollup-sql.ts), equal to the raw queries in
// sql.ts, which answer instead while the schema has no rollup yet (a replica
// on new code before the leader migrated).
import { splitRange } from './buckets.ts';
import type { ReportParams } from './params.ts';
import { ROLLUP_AGENT_CALLS_SQL, ROLLUP_HOURLY_SQL, ROLLUP_SUMMARY_SQL } from './rollup-sql.ts';
import {
  AGENT_CALLS_SQL,
  HOURLY_SQL,
  OWN_CALLS_SQL,
  PAUSED_SQL,
  SIGNED_IN_SQL,
  SUMMARY_SQL,
} from './sql.ts';

export type Query = <R extends Record<string, unknown>>(
  text: string,
  values: unknown[],
) => Promise<{ rows: R[] }>;

export interface QueueSummary {
  offered: number;
  answered: number;
  abandoned: number;
  timedOut: number;
  /** Of the calls answered in queues with a service level: share answered within it (%); null: none. */
  serviceLevelPercent: number | null;
  answeredWithinServiceLevel: number;
  averageWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  longestWaitSeconds: number | null;
  averageHandleSeconds: number | null;
}

export interface HourRow {
  hour: number;
  offered: number;
  answered: number;
  abandoned: number;
}

export interface AgentRow {
  /** The member name in the queue log (the agent's display name). */
  member: string;
  /** The SipAgent it belongs to, when exactly one has that name. */
  agent: string | null;
  answered: number;
  missed: number;
  talkSeconds: number;
  averageHandleSeconds: number | null;
  signedInSeconds: number;
  pausedSeconds: Record<string, number>;
}

export interface QueueReport {
  summary: QueueSummary;
  hours: HourRow[];
  agents: AgentRow[];
}

/** UTC wall-clock text for a `timestamp` column (never the process's zone). */
export const utcText = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');

const round1 = (n: number | null | undefined) =>
  n === null || n === undefined ? null : Math.round(n * 10) / 10;

/** The rollup query, or the raw one while the rollup's tables do not exist (42P01). */
async function rollupOrRaw<R extends Record<string, unknown>>(
  query: Query,
  rollup: [string, unknown[]],
  raw: [string, unknown[]],
): Promise<{ rows: R[] }> {
  try {
    return await query<R>(...rollup);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P01') throw err;
    return query<R>(...raw);
  }
}

export async function queueReport(
  query: Query,
  p: ReportParams,
  serviceLevels: ReadonlyMap<string, number>,
  agentOf: (member: string) => string | null,
  now: Date,
): Promise<QueueReport> {
  const base = [utcText(p.range.from), utcText(p.range.to), p.queue ?? null];
  const split = splitRange(p.range);
  const rolled = [...base, utcText(split.fullFrom), utcText(split.fullTo)];
  const levels = [[...serviceLevels.keys()], [...serviceLevels.values()]];
  const openEnd = utcText(now < p.range.to ? now : p.range.to);
  const [summary, hours, calls, signedIn, paused] = await Promise.all([
    rollupOrRaw<Record<string, number | null>>(
      query,
      [ROLLUP_SUMMARY_SQL, [...rolled, ...levels]],
      [SUMMARY_SQL, [...base, ...levels]],
    ),
    rollupOrRaw<{ hour: number; offered: number; answered: number; abandoned: number }>(
      query,
      [ROLLUP_HOURLY_SQL, [...rolled, p.timeZone]],
      [HOURLY_SQL, [...base, p.timeZone]],
    ),
    rollupOrRaw<{
      agent: string;
      answered: number;
      missed: number;
      talk: number;
      avg_handle: number | null;
    }>(query, [ROLLUP_AGENT_CALLS_SQL, rolled], [AGENT_CALLS_SQL, base]),
    query<{ agent: string; seconds: number }>(SIGNED_IN_SQL, [...base, openEnd]),
    query<{ agent: string; reason: string; seconds: number }>(PAUSED_SQL, [...base, openEnd]),
  ]);
  const s = summary.rows[0] ?? {};
  const withSl = s.answered_with_sl ?? 0;
  const agents = new Map<string, AgentRow>();
  const row = (member: string): AgentRow => {
    let r = agents.get(member);
    if (!r) {
      r = {
        member,
        agent: agentOf(member),
        answered: 0,
        missed: 0,
        talkSeconds: 0,
        averageHandleSeconds: null,
        signedInSeconds: 0,
        pausedSeconds: {},
      };
      agents.set(member, r);
    }
    return r;
  };
  for (const c of calls.rows)
    Object.assign(row(c.agent), {
      answered: c.answered,
      missed: c.missed,
      talkSeconds: c.talk,
      averageHandleSeconds: round1(c.avg_handle),
    });
  for (const x of signedIn.rows) row(x.agent).signedInSeconds = Math.round(x.seconds);
  for (const x of paused.rows) row(x.agent).pausedSeconds[x.reason] = Math.round(x.seconds);
  const byHour = new Map(hours.rows.map((h) => [h.hour, h]));
  return {
    summary: {
      offered: s.offered ?? 0,
      answered: s.answered ?? 0,
      abandoned: s.abandoned ?? 0,
      timedOut: s.timed_out ?? 0,
      answeredWithinServiceLevel: s.answered_in_sl ?? 0,
      serviceLevelPercent: withSl > 0 ? round1((100 * (s.answered_in_sl ?? 0)) / withSl) : null,
      averageWaitSeconds: round1(s.avg_wait),
      p90WaitSeconds: round1(s.p90_wait),
      longestWaitSeconds: s.longest_wait ?? null,
      averageHandleSeconds: round1(s.avg_handle),
    },
    hours: Array.from({ length: 24 }, (_, hour) => {
      const h = byHour.get(hour);
      return {
        hour,
        offered: h?.offered ?? 0,
        answered: h?.answered ?? 0,
        abandoned: h?.abandoned ?? 0,
      };
    }),
    agents: [...agents.values()].sort((a, b) => a.member.localeCompare(b.member)),
  };
}

export interface OwnHistory {
  answered: number;
  unanswered: number;
  talkSeconds: number;
}

/** An agent's own calls in a range, by the agent's SIP username. */
export async function ownHistory(
  query: Query,
  range: { from: Date; to: Date },
  sipUsername: string,
): Promise<OwnHistory> {
  const pattern = `PJSIP/${sipUsername.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`;
  const r = await query<{ answered: number; unanswered: number; talk: number }>(OWN_CALLS_SQL, [
    utcText(range.from),
    utcText(range.to),
    pattern,
  ]);
  const x = r.rows[0];
  return { answered: x?.answered ?? 0, unanswered: x?.unanswered ?? 0, talkSeconds: x?.talk ?? 0 };
}
