// Reads the content-hash markers Asterisk shows through GetConfig (which reads
// the files from disk at every call, so this is what the kubelet delivered).
import type { AmiClient } from '../ami/client.ts';
import { configCategories } from '../ami/messages.ts';
import { type MarkerQuery, queryKey, type VisibleLines } from './version.ts';

export async function readVisible(
  client: Pick<AmiClient, 'action'>,
  queries: readonly MarkerQuery[],
): Promise<VisibleLines> {
  const visible = new Map<string, Set<string>>();
  for (const q of queries) {
    const response = await client.action({
      action: 'GetConfig',
      filename: q.configFile,
      category: q.category,
    });
    // Several of our files carry a category of the same name: GetConfig lists each.
    const lines = new Set<string>();
    for (const c of configCategories(response.fields)) {
      if (c.name === q.category) for (const [k, v] of c.lines) lines.add(`${k}=${v}`);
    }
    visible.set(queryKey(q), lines);
  }
  return visible;
}
