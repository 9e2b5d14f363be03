// The edge of refresh-plan.ts: the leader re-arms one Asterisk's history
// modules (cdr_pgsql, cel_pgsql) over AMI once per
// Asterisk boot and database generation, so that calls are recorded without
// a manual `module refresh` after PostgreSQL was down when Asterisk started,
// the tables were created after it, or a migration added a column. The boot is
// CoreStatus's startup date and time, read at every AMI connect.
// `ModuleLoad refresh` is refused while CDRs are active (calls up): retried
// with a backoff (5 s doubling to 60 s, refresh-plan.ts retryDelay) until it
// succeeds or the plan no longer wants it.
import { describeError } from '../clients/errors.ts';
import type { HistoryState } from '../history/database.ts';
import {
  HISTORY_MODULES,
  nextGeneration,
  refreshDue,
  retryDelay,
  tablesReady,
} from '../history/refresh-plan.ts';
import { counter } from '../kube/metric.ts';
import type { Logger } from '../log.ts';
import type { AmiClient } from './ami/client.ts';

/** The history database as the refresh sees it (HistoryDatabase). */
export interface HistorySource {
  state(): HistoryState;
  onState(cb: (s: HistoryState) => void): () => void;
  /** Probes now: a refresh while the database is down would read no columns again. */
  check(): Promise<HistoryState>;
}

const refreshes = counter({
  name: 'switchboard_history_module_refreshes_total',
  help: 'Refreshes of Asterisk history modules (cdr_pgsql, cel_pgsql) by outcome (done, retried).',
  labelNames: ['namespace', 'outcome'],
});

export class HistoryRefresh {
  readonly #client: Pick<AmiClient, 'action' | 'onState'>;
  readonly #history: HistorySource;
  readonly #log: Logger;
  readonly #namespace: string;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  readonly #unsubscribe: () => void;
  #last: HistoryState;
  #generation: number;
  #boot: string | undefined;
  #done: string | undefined;
  #running = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    namespace: string,
    client: Pick<AmiClient, 'action' | 'onState'>,
    history: HistorySource,
    log: Logger,
    retryMs = 5_000,
    maxRetryMs = 60_000,
  ) {
    this.#namespace = namespace;
    this.#client = client;
    this.#history = history;
    this.#log = log;
    this.#retryMs = retryMs;
    this.#maxRetryMs = maxRetryMs;
    this.#last = history.state();
    this.#generation = nextGeneration(0, undefined, this.#last);
    this.#unsubscribe = history.onState((s) => {
      this.#generation = nextGeneration(this.#generation, this.#last, s);
      this.#last = s;
      void this.#run();
    });
    client.onState((state) => {
      this.#boot = undefined;
      if (state === 'connected') void this.#readBoot();
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe();
  }

  async #readBoot(): Promise<void> {
    try {
      const f = (await this.#client.action({ action: 'CoreStatus' })).fields;
      this.#boot = `${String(f.corestartupdate ?? '')} ${String(f.corestartuptime ?? '')}`;
    } catch (err) {
      // The connection dropped again: the next connect reads it.
      this.#log.debug({ err: describeError(err) }, 'CoreStatus for the history refresh failed');
      return;
    }
    await this.#run();
  }

  #due(): string | undefined {
    if (this.#stopped) return undefined;
    return refreshDue({
      boot: this.#boot,
      ready: tablesReady(this.#last),
      generation: this.#generation,
      done: this.#done,
    });
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      let attempts = 0;
      for (let key = this.#due(); key; key = this.#due()) {
        attempts++;
        try {
          // Down after all: the probe turns it unavailable, and ready again starts a new generation.
          if (!tablesReady(await this.#history.check())) continue;
          await this.#refresh();
          this.#done = key;
          refreshes.inc({ namespace: this.#namespace, outcome: 'done' });
          this.#log.info(
            { boot: this.#boot, attempts, modules: HISTORY_MODULES },
            'history modules refreshed: Asterisk records calls into the current tables',
          );
          attempts = 0;
        } catch (err) {
          refreshes.inc({ namespace: this.#namespace, outcome: 'retried' });
          const retryInMs = retryDelay(attempts, this.#retryMs, this.#maxRetryMs);
          this.#log[attempts === 1 ? 'info' : 'debug'](
            { err: describeError(err), attempts, retryInMs },
            'refreshing the history modules failed (calls up?): retrying',
          );
          await new Promise<void>((r) => {
            this.#timer = setTimeout(r, retryInMs);
          });
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #refresh(): Promise<void> {
    for (const module of HISTORY_MODULES)
      await this.#client.action({ action: 'ModuleLoad', module, loadtype: 'refresh' });
  }
}
