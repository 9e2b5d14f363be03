// Waiting on the local cluster's processes: poll a condition, but fail at once
// (with the log tails) when a process it depends on dies, instead of timing out.
import { readFileSync } from 'node:fs';
import type { ManagedProcess } from './processes.ts';

/** Polls `check` until it holds; fails early with the log tail when a process dies. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  processes: readonly ManagedProcess[],
  check: () => Promise<boolean>,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = processes.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead)
      throw new Error(`${dead.name} exited while waiting for ${what}:\n${logTail(dead.logPath)}`);
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}:\n${processes.map((p) => `--- ${p.name}\n${logTail(p.logPath)}`).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function logTail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
