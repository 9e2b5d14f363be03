// The credentials Secret of a SipAgent: owned by it (garbage-collected with
// it), made once, rotated only on request.
import { createHash } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { rfc3339 } from '../clients/time.ts';
import { API_VERSION } from '../crds/common.ts';
import type { SipAgent } from '../crds/types.ts';
import {
  AGENT_LABEL,
  commonLabels,
  GENERATED_AT_ANNOTATION,
  GENERATED_FOR_ANNOTATION,
} from '../labels.ts';
import type { SipCredentials } from './credentials.ts';

export const SECRET_TYPE = 'switchboard.dev/sip-credentials';
const SUFFIX = '-sip-credentials';

/** `<agent>-sip-credentials`, shortened with a hash when the agent's name is too long for it. */
export function credentialsSecretName(agentName: string): string {
  if (agentName.length + SUFFIX.length <= 253) return agentName + SUFFIX;
  const hash = createHash('sha256').update(agentName).digest('hex').slice(0, 8);
  return `${agentName.slice(0, 253 - SUFFIX.length - 9)}-${hash}${SUFFIX}`;
}

export interface StoredCredentials {
  readonly username: string;
  readonly password: string;
  readonly extension: number | undefined;
  /** The regenerate-annotation value these credentials were made for ('' for the first ones). */
  readonly generatedFor: string;
  readonly generatedAt: string | undefined;
}

export function readCredentials(secret: V1Secret): StoredCredentials | undefined {
  const d = secret.data ?? {};
  const decode = (key: string) =>
    d[key] === undefined ? undefined : Buffer.from(d[key], 'base64').toString('utf8');
  const username = decode('username');
  const password = decode('password');
  if (!username || !password) return undefined;
  const ext = decode('extension');
  return {
    username,
    password,
    extension: ext && /^\d+$/.test(ext) ? Number(ext) : undefined,
    generatedFor: secret.metadata?.annotations?.[GENERATED_FOR_ANNOTATION] ?? '',
    generatedAt: secret.metadata?.annotations?.[GENERATED_AT_ANNOTATION],
  };
}

export function credentialsSecret(
  agent: SipAgent,
  credentials: SipCredentials,
  extension: number | undefined,
  generatedFor: string,
  generatedAt: Date,
): V1Secret {
  const data: Record<string, string> = {
    username: credentials.username,
    password: credentials.password,
  };
  if (extension !== undefined) data.extension = String(extension);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: SECRET_TYPE,
    metadata: {
      name: credentialsSecretName(agent.metadata.name),
      namespace: agent.metadata.namespace,
      labels: { ...commonLabels('sip-credentials'), [AGENT_LABEL]: agent.metadata.name },
      annotations: {
        [GENERATED_FOR_ANNOTATION]: generatedFor,
        [GENERATED_AT_ANNOTATION]: rfc3339(generatedAt),
      },
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: 'SipAgent',
          name: agent.metadata.name,
          uid: agent.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    stringData: data,
  };
}
