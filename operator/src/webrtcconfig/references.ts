// Which Secrets a WebRTCConfig refers to, and what is wrong with them. Pure:
// the caller looks Secrets up; a missing Secret is a condition, not a crash.
import type { V1Secret } from '@kubernetes/client-node';
import type { WebRTCConfigSpec } from '../crds/types.ts';

export interface SecretReference {
  readonly name: string;
  readonly keys: readonly string[];
  readonly type?: string;
  readonly field: string;
}

export function secretReferences(spec: WebRTCConfigSpec): SecretReference[] {
  const refs: SecretReference[] = [];
  spec.iceServers.turnServers?.forEach((t, i) => {
    if (t.sharedSecret)
      refs.push({
        name: t.sharedSecret.name,
        keys: [t.sharedSecret.key],
        field: `spec.iceServers.turnServers[${i}].sharedSecret`,
      });
    if (t.credentialsSecret) {
      refs.push({
        name: t.credentialsSecret.name,
        keys: [t.credentialsSecret.usernameKey, t.credentialsSecret.passwordKey],
        field: `spec.iceServers.turnServers[${i}].credentialsSecret`,
      });
    }
  });
  if (spec.dtlsCertificateSecret) {
    refs.push({
      name: spec.dtlsCertificateSecret.name,
      keys: ['tls.crt', 'tls.key'],
      type: 'kubernetes.io/tls',
      field: 'spec.dtlsCertificateSecret',
    });
  }
  if (spec.ami.secretName)
    refs.push({
      name: spec.ami.secretName,
      keys: ['username', 'secret'],
      field: 'spec.ami.secretName',
    });
  return refs;
}

/** One message per broken reference (names and keys only, never values). */
export function referenceProblems(
  spec: WebRTCConfigSpec,
  lookup: (name: string) => V1Secret | undefined,
): string[] {
  const problems: string[] = [];
  for (const ref of secretReferences(spec)) {
    const secret = lookup(ref.name);
    if (!secret) {
      problems.push(`${ref.field}: Secret "${ref.name}" not found`);
      continue;
    }
    if (ref.type && secret.type !== ref.type)
      problems.push(
        `${ref.field}: Secret "${ref.name}" must be of type ${ref.type}, not ${secret.type ?? 'Opaque'}`,
      );
    const missing = ref.keys.filter((k) => !secret.data?.[k]);
    if (missing.length)
      problems.push(
        `${ref.field}: Secret "${ref.name}" has no key ${missing.map((k) => `"${k}"`).join(', ')}`,
      );
  }
  return problems;
}
