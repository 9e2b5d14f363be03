import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, find, lintPjsip, load, objectBytes, spec } from './fixtures.ts';
import { PJSIP_MARKER_CATEGORY } from './marker.ts';
import { renderAsteriskConfig } from './render.ts';
import type { GeneratedObject, RenderAgent } from './types.ts';

/** Kubernetes refuses objects over 1 MiB; stay well below, counting Secrets base64-encoded. */
const LIMIT = 900 * 1024;
const N = 10_000;
const config = spec({ extensions: { start: 1000, end: 99999 } });

function measure(agents: readonly RenderAgent[]) {
  let objects: GeneratedObject[] = [];
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    objects = renderAsteriskConfig({ namespace: 'ns', config, agents });
    times.push(performance.now() - t0);
  }
  const sizes = objects.map((o) => ({ name: `${o.kind}/${o.name}`, bytes: objectBytes(o) }));
  const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const ms = times.sort((a, b) => a - b)[1] ?? 0;
  return { objects, largest, ms, total: sizes.reduce((n, s) => n + s.bytes, 0) };
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

describe(`${N.toLocaleString('en')} agents in one namespace`, () => {
  it('typical agents: every object far below the limit', (t) => {
    const agents = Array.from({ length: N }, (_, i) =>
      agent(i, { displayName: `Agent Number ${i}`, sipUsername: `agent_number_${i}_1700000000` }),
    );
    const r = measure(agents);
    t.diagnostic(
      `typical: render ${r.ms.toFixed(0)} ms (median of 3), largest ${r.largest.name} ${kib(r.largest.bytes)}, all objects ${kib(r.total)}`,
    );
    assert.ok(r.largest.bytes < LIMIT, `${r.largest.name} is ${r.largest.bytes} bytes`);
  });

  it('heavy agents (longest usernames, long non-ASCII names, 4 codecs, 3 queues): still below', (t) => {
    const agents = Array.from({ length: N }, (_, i) =>
      agent(i, {
        // slugify keeps 40 characters, then _<unix seconds>: 51, the longest generated username.
        sipUsername: `${`a${i}_`.padEnd(40, 'x')}_${1_700_000_000 + i}`,
        displayName: `Zoë-Øyvind Ñúñez-Łukasiewicz ${i} `.repeat(4).slice(0, 100).trim(),
        codecs: ['opus', 'g722', 'ulaw', 'alaw'],
        queues: ['support', 'billing', `team-${i % 50}`],
        maxContacts: 10,
      }),
    );
    const r = measure(agents);
    t.diagnostic(
      `heavy: render ${r.ms.toFixed(0)} ms (median of 3), largest ${r.largest.name} ${kib(r.largest.bytes)}, all objects ${kib(r.total)}`,
    );
    assert.ok(r.largest.bytes < LIMIT, `${r.largest.name} is ${r.largest.bytes} bytes`);

    // And Asterisk could load it: includes resolve, its queues are declared, PJSIP is clean.
    const pjsip = load(r.objects, 'pjsip.conf');
    const objects = lintPjsip(pjsip, PJSIP_MARKER_CATEGORY);
    assert.equal(
      objects.length,
      1 + 2 + 3 * N,
      'base global, two transports, endpoint+aor+auth each',
    );
    const queues = load(r.objects, 'queues.conf');
    assert.ok(find(queues, 'team-49'), 'every queue an agent names is declared');
  });
});
