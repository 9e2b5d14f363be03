// Which agents belong in Asterisk, and with what: pure selection from the
// namespace's agents, their credentials and the extension ownership.
import type { V1Secret } from '@kubernetes/client-node';
import type { RenderAgent } from '../asterisk/render/index.ts';
import type { SipAgent, WebRTCConfigSpec } from '../crds/types.ts';

import { credentialsSecretName, readCredentials } from '../sipagent/resources.ts';

export function renderAgents(
  spec: WebRTCConfigSpec,
  agents: readonly SipAgent[],
  secret: (name: string) => V1Secret | undefined,
  ownership: (agentName: string) => { extension: number; conflictWith?: string } | undefined,
): RenderAgent[] {
  const out: RenderAgent[] = [];
  for (const agent of agents) {
    if (agent.metadata.deletionTimestamp || agent.spec.suspended) continue;
    const owner = ownership(agent.metadata.name);
    if (!owner || owner.conflictWith) continue; // conflicting agents stay out until the conflict is gone
    const s = secret(credentialsSecretName(agent.metadata.name));
    const credentials = s ? readCredentials(s) : undefined;
    if (!credentials) continue;
    out.push({
      name: agent.metadata.name,
      displayName: agent.spec.displayName,
      extension: owner.extension,
      sipUsername: credentials.username,
      sipPassword: credentials.password,
      codecs: agent.spec.codecs,
      queues: agent.spec.queues ?? [spec.hotline.queue],
      maxContacts: agent.spec.maxContacts,
      ...(agent.spec.supervisor ? { supervisor: true } : {}),
      ...(agent.spec.callWaiting ? { callWaiting: true } : {}),
      ...(agent.spec.recording !== undefined ? { recording: agent.spec.recording } : {}),
    });
  }
  return out;
}
