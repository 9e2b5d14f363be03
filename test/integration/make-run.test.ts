// `make run`'s script brings up the control plane with CRDs and samples.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../cluster/tools.ts';

it('scripts/run.ts starts a control plane, a real Asterisk, applies the samples, runs the operator and stops cleanly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-run-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repoRoot, 'scripts', 'run.ts'), '--once', '--dir', dir],
      {
        timeout: 120_000,
      },
    );
    // The operator gave the sample agents extensions and usernames, and the
    // embedded Asterisk loaded them (READY True); the suspended one is left out.
    assert.match(stdout, /sipagent\.switchboard\.dev\/john-doe\s+\d{4}\s+john_doe_\d{10}\s+True\s/);
    assert.match(stdout, /sipagent\.switchboard\.dev\/jane-roe\s+2001\s+jane_roe_\d{10}\s+True\s/);
    assert.match(stdout, /sipagent\.switchboard\.dev\/max-mustermann\s+\d{4}\s+\S+\s+False\s/);
    assert.match(
      stdout,
      /webrtcconfig\.switchboard\.dev\/default\s+ws:\/\/127\.0\.0\.1:\d+\/ws\s+2\s+True/,
    );
    assert.match(stdout, /Dial \*43 for the echo test/);
    // The operator reached the history database make run started (HISTORY_DB_*).
    assert.match(stdout, /the operator: history available/);
    assert.match(stdout, new RegExp(`kubeconfig\\s+${dir}/kubeconfig`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
