// Counts requests as the API server itself saw them (apiserver_request_total
// from its /metrics), so the benchmark measures the operator's traffic without
// instrumenting the operator. Pure parsing; the caller fetches the text.

/** "VERB resource[/subresource]" → count. */
export type RequestCounts = Map<string, number>;

const LINE = /^apiserver_request_total\{([^}]*)\}\s+(\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;

function labels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1] as string] = m[2] as string;
  return out;
}

export function parseRequestCounts(metrics: string): RequestCounts {
  const counts: RequestCounts = new Map();
  for (const line of metrics.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const l = labels(m[1] as string);
    const resource = l.subresource ? `${l.resource}/${l.subresource}` : (l.resource ?? '');
    const key = `${l.verb} ${resource}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(m[2]));
  }
  return counts;
}

/** What happened between two snapshots, without the keys that did not move. */
export function diffCounts(before: RequestCounts, after: RequestCounts): RequestCounts {
  const out: RequestCounts = new Map();
  for (const [key, n] of after) {
    const d = n - (before.get(key) ?? 0);
    if (d > 0) out.set(key, d);
  }
  return out;
}

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY']);

export function isWrite(key: string): boolean {
  return WRITE_VERBS.has(key.split(' ')[0] ?? '');
}

/**
 * Writes that are housekeeping, not object changes: Lease renewals (the
 * operator's leader election, the API server's and the controller manager's
 * own) and the API server refreshing the `kubernetes` Service's endpoints
 * (the operator may not write endpoints at all).
 */
export function isHeartbeat(key: string): boolean {
  return / (leases|endpoints|endpointslices)$/.test(key);
}
