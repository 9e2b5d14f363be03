// Module reloads through AMI. Asterisk rejects a reload while another runs
// ("A reload is in progress", NOTES.md) instead of queueing it: retry with
// capped backoff. A reload answers Success even when the new configuration
// was rejected; the caller confirms through the objects (PJSIPShowEndpoints).
import { setTimeout as sleep } from 'node:timers/promises';
import { type AmiClient, AmiError } from '../ami/client.ts';
import type { Module } from './version.ts';

export interface ReloadOptions {
  /** Give up after retrying "in progress" this long (default 120 s). */
  readonly busyTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export type ReloadOutcome = 'reloaded' | 'no-such-module';

export async function reloadModule(
  client: Pick<AmiClient, 'action'>,
  /**
   * 'http': the built-in HTTP server, which re-reads its TLS certificate
   * (certificates/); 'manager': Asterisk re-reads its AMI users (manager.conf),
   * as after a rotated secret.
   */
  module: Module | 'http' | 'manager',
  options: ReloadOptions = {},
): Promise<ReloadOutcome> {
  const deadline = performance.now() + (options.busyTimeoutMs ?? 120_000);
  let delay = 100;
  for (;;) {
    try {
      await client.action({ action: 'Reload', module });
      return 'reloaded';
    } catch (err) {
      if (!(err instanceof AmiError)) throw err;
      if (/no such module/i.test(err.message)) return 'no-such-module';
      if (!/reload is in progress/i.test(err.message) || performance.now() > deadline) throw err;
    }
    await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined);
    delay = Math.min(delay * 2, 5_000);
  }
}
