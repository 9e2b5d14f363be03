// Child processes of the local control plane: each runs in its own process
// group (so a terminal's Ctrl-C does not kill it half-way and a stop reaches
// all its children), logs to a file, and is watched by a detached reaper that
// kills every group when this Node process dies by any means, even SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | string>;
}

// The grace before SIGKILL only when a group was still there: after a clean
// stop the list is empty and the reaper exits at once.
const REAPER = `
parent=$1; groups=$2
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
alive=
for pg in $(cat "$groups" 2>/dev/null); do kill -TERM -- "-$pg" 2>/dev/null && alive=1; done
if [ -n "$alive" ]; then
  sleep 3
  for pg in $(cat "$groups" 2>/dev/null); do kill -KILL -- "-$pg" 2>/dev/null; done
fi
rm -f "$groups"
`;

// Each group has a file of its own: two groups in one folder (a test file's
// node after the previous file's, within one process) must not share a list,
// or the first group's reaper kills the second group's processes.
let groupCount = 0;

export class ProcessGroup {
  readonly #dir: string;
  readonly #groupsFile: string;
  readonly #processes: ManagedProcess[] = [];

  constructor(dir: string) {
    this.#dir = dir;
    this.#groupsFile = join(dir, `process-groups.${process.pid}.${++groupCount}`);
    writeFileSync(this.#groupsFile, '');
    const reaper = spawn(
      'bash',
      ['-c', REAPER, 'switchboard-reaper', String(process.pid), this.#groupsFile],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    reaper.unref();
  }

  start(
    name: string,
    command: string,
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): ManagedProcess {
    const logPath = join(this.#dir, `${name}.log`);
    const log = openSync(logPath, 'a');
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', log, log],
      ...(env ? { env } : {}),
    });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    appendFileSync(this.#groupsFile, `${child.pid}\n`);
    child.unref();
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
    const managed = { name, child, logPath, exited };
    this.#processes.push(managed);
    return managed;
  }

  /** Stops one process (SIGTERM, then SIGKILL after the grace period). */
  async stop(p: ManagedProcess, graceMs = 5000): Promise<void> {
    await stopProcess(p, graceMs);
    const i = this.#processes.indexOf(p);
    if (i >= 0) this.#processes.splice(i, 1);
  }

  /** Stops every process, newest first: SIGTERM, then SIGKILL after a grace period. */
  async stopAll(graceMs = 5000): Promise<void> {
    for (const p of [...this.#processes].reverse()) {
      await stopProcess(p, graceMs);
    }
    this.#processes.length = 0;
    writeFileSync(this.#groupsFile, '');
  }
}

async function stopProcess(p: ManagedProcess, graceMs: number): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  signalGroup(p, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const result = await Promise.race([p.exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    signalGroup(p, 'SIGKILL');
    await p.exited;
  }
}

function signalGroup(p: ManagedProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(p.child.pid as number), signal);
  } catch {
    // the group is already gone
  }
}
