// The AMI side of the history refresh with a double for Asterisk: only the
// injected faults (refused while calls are up) and the boot it reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { HistoryState } from '../history/database.ts';
import type { AmiState } from './ami/client.ts';
import type { AmiResponse } from './ami/messages.ts';
import { HistoryRefresh } from './history-refresh.ts';

function fakes(refusals: number) {
  let boot = '2026-12-06 06:00:00';
  let refuse = refusals;
  const actions: string[] = [];
  const stateCbs: ((s: AmiState) => void)[] = [];
  let state: HistoryState = { state: 'unavailable', reason: 'down', since: new Date(0) };
  const historyCbs: ((s: HistoryState) => void)[] = [];
  const client = {
    onState: (cb: (s: AmiState) => void) => void stateCbs.push(cb),
    action: async (f: Record<string, string>): Promise<AmiResponse> => {
      actions.push(f.module ? `${f.action} ${f.module}` : String(f.action));
      if (f.action === 'ModuleLoad' && refuse > 0) {
        refuse--;
        throw new Error('Could not refresh module.');
      }
      const [date, time] = boot.split(' ');
      return {
        response: 'Success',
        fields: { corestartupdate: date, corestartuptime: time },
      } as never;
    },
  };
  const history = {
    state: () => state,
    onState: (cb: (s: HistoryState) => void) => {
      historyCbs.push(cb);
      return () => {};
    },
    check: async () => state,
  };
  return {
    client,
    history,
    actions,
    connect: () => {
      for (const cb of stateCbs) cb('connected');
    },
    refuseNext: (n: number) => {
      refuse = n;
    },
    restart: (at: string) => {
      boot = at;
      for (const cb of stateCbs) cb('disconnected');
      for (const cb of stateCbs) cb('connected');
    },
    setHistory: (s: HistoryState) => {
      state = s;
      for (const cb of historyCbs) cb(s);
    },
  };
}

const refreshes = (actions: string[]) =>
  actions.filter((a) => a === 'ModuleLoad cel_pgsql.so').length;
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('HistoryRefresh', () => {
  it('refreshes once the database is ready and migrated, once per boot and generation, retrying refusals', async () => {
    const f = fakes(2);
    const r = new HistoryRefresh('ns', f.client, f.history, pino({ level: 'silent' }), 5, 5);
    f.connect();
    await settle();
    assert.equal(refreshes(f.actions), 0, 'nothing while the database is down');
    f.setHistory({ state: 'ready', schemaVersion: undefined });
    await settle();
    assert.equal(refreshes(f.actions), 0, 'nothing before the leader migrated');
    f.setHistory({ state: 'ready', schemaVersion: 3 });
    await settle();
    assert.equal(refreshes(f.actions), 1, 'refreshed after two refusals');
    assert.equal(f.actions.filter((a) => a === 'ModuleLoad cdr_pgsql.so').length, 3);
    f.setHistory({ state: 'ready', schemaVersion: 3 });
    f.restart('2026-12-06 06:00:00');
    await settle();
    assert.equal(refreshes(f.actions), 1, 'not again: same boot, same generation');
    f.restart('2026-12-06 07:00:00');
    await settle();
    assert.equal(refreshes(f.actions), 2, 'again for a new boot');
    f.setHistory({ state: 'ready', schemaVersion: 4 });
    await settle();
    assert.equal(refreshes(f.actions), 3, 'again after a migration');
    r.stop();
  });

  it('backs off between refusals (first delay doubling to the maximum) and starts again after a success', async () => {
    const f = fakes(4);
    const waits: number[] = [];
    const log = pino(
      { level: 'debug' },
      {
        write(line: string) {
          const { retryInMs } = JSON.parse(line) as { retryInMs?: number };
          if (retryInMs !== undefined) waits.push(retryInMs);
        },
      },
    );
    const r = new HistoryRefresh('ns', f.client, f.history, log, 5, 20);
    f.connect();
    f.setHistory({ state: 'ready', schemaVersion: 3 });
    await waitFor(() => refreshes(f.actions) === 1);
    assert.deepEqual(waits, [5, 10, 20, 20]);
    f.refuseNext(2);
    f.restart('2026-12-06 08:00:00');
    await waitFor(() => refreshes(f.actions) === 2);
    assert.deepEqual(waits.slice(4), [5, 10], 'the first delay again after the success');
    r.stop();
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
