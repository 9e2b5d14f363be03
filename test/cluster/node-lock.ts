// One node per machine: its bridge, addresses, port 53 and kube-proxy's
// iptables chains are machine-wide. A second test process (a parallel test
// file or `make test` run) that wants a node waits here until the first one's
// node has stopped, or takes the lock over if its holder died.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK = '/run/switchboard-node.lock';

export async function lockNode(timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!holderAlive()) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`another test process (pid ${holder()}) has had the node for too long`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function holder(): number | undefined {
  try {
    return Number(readFileSync(join(LOCK, 'pid'), 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

function holderAlive(): boolean {
  const pid = holder();
  if (pid === undefined) {
    // Made a moment ago and its pid not written yet, or its maker died in between.
    try {
      return Date.now() - statSync(LOCK).mtimeMs < 5000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
