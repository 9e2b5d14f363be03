// queues.conf sections: the hotline queue and every queue an agent serves,
// with their agents as static members.
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import type { RenderAgent } from './types.ts';

export function queuesFile(spec: WebRTCConfigSpec, agents: readonly RenderAgent[]): string {
  const members = new Map<string, string[]>([[spec.hotline.queue, []]]);
  for (const a of agents) {
    for (const q of a.queues) {
      if (q === 'general') continue; // reserved for queues.conf's own settings
      const list = members.get(q) ?? [];
      list.push(a.sipUsername);
      members.set(q, list);
    }
  }
  const out: string[] = [];
  for (const name of [...members.keys()].sort()) {
    out.push(
      `[${name}]`,
      'strategy = rrmemory',
      'timeout = 20',
      'retry = 2',
      'wrapuptime = 5',
      'ringinuse = no',
      'joinempty = yes',
      'leavewhenempty = no',
    );
    for (const user of members.get(name) ?? []) out.push(`member => PJSIP/${user}`);
    out.push('');
  }
  return out.join('\n');
}
