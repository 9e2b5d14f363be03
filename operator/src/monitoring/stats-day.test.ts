// The daily reset of app_queue's counters against a fake AMI client: a mark
// from yesterday resets them and writes today's mark; a mark from today
// leaves them alone; Asterisk started after the mark moves `since`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmiError } from '../asterisk/ami/client.ts';
import { silentLogger } from '../log.ts';
import { STATS_FAMILY, STATS_KEY, StatsDay } from './stats-day.ts';

const at = (h: number, m = 0, day = 5) => new Date(2026, 11, day, h, m).getTime();
const local = (t: number) => {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    corestartupdate: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`,
    corestartuptime: `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`,
  };
};

function fakeClient(mark: string | undefined, startedAt: number) {
  const actions: Record<string, string>[] = [];
  return {
    actions,
    state: 'disconnected' as 'disconnected' | 'connected',
    onState: () => {},
    action: async (f: Record<string, string>) => {
      actions.push(f);
      return {
        response: 'Success',
        actionid: '1',
        fields: f.action === 'CoreStatus' ? local(startedAt) : {},
      };
    },
    list: async (f: Record<string, string>) => {
      assert.deepEqual([f.action, f.family, f.key], ['DBGet', STATS_FAMILY, STATS_KEY]);
      if (mark === undefined) throw new AmiError('Database entry not found');
      return [{ event: 'DBGetResponse', val: mark }];
    },
  };
}

async function check(mark: string | undefined, startedAt: number, now: number, readOnly = false) {
  const client = fakeClient(mark, startedAt);
  const told: [number, boolean][] = [];
  const day = new StatsDay(
    client as never,
    { countingSince: (s, r) => told.push([s, r]) },
    silentLogger,
    {
      now: () => now,
      readOnly,
    },
  );
  client.state = 'connected';
  await day.check();
  day.stop();
  return {
    actions: client.actions.map((a) => a.action),
    puts: client.actions.filter((a) => a.action === 'DBPut'),
    told,
  };
}

describe("the daily reset of app_queue's counters", () => {
  it('resets them once a new day began since the mark, and marks today', async () => {
    const r = await check(`2026-12-04 ${at(0, 0, 4)}`, at(0, 0, 1), at(0, 1));
    assert.ok(r.actions.includes('QueueReset'));
    assert.deepEqual(
      r.puts.map((p) => p.val),
      [`2026-12-05 ${at(0, 1)}`],
    );
    assert.deepEqual(r.told.at(-1), [at(0, 1), true]);
  });

  it('leaves them alone the same day (an operator restart, a fail-over)', async () => {
    const r = await check(`2026-12-05 ${at(0)}`, at(0, 0, 1), at(15));
    assert.ok(!r.actions.includes('QueueReset'));
    assert.deepEqual(r.puts, []);
    assert.deepEqual(r.told.at(-1), [at(0), false]);
  });

  it('counts from Asterisk’s start when it restarted after the mark; first run marks it', async () => {
    const later = await check(`2026-12-05 ${at(0)}`, at(9, 30), at(15));
    assert.deepEqual(later.told.at(-1), [at(9, 30), false]);
    const first = await check(undefined, at(9, 30), at(15));
    assert.ok(!first.actions.includes('QueueReset'));
    assert.deepEqual(
      first.puts.map((p) => p.val),
      [`2026-12-05 ${at(9, 30)}`],
    );
  });

  it('read-only (a follower): never resets nor marks, counts from the mark', async () => {
    const r = await check(`2026-12-04 ${at(0, 0, 4)}`, at(0, 0, 1), at(0, 1), true);
    assert.deepEqual(r.actions, ['CoreStatus']);
    assert.deepEqual(r.told.at(-1), [at(0, 0, 4), false]);
  });
});
