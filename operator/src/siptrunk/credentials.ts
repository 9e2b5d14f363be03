// A SipTrunk's carrier credentials, read from the Secret it names. The values
// never leave this module except into rendering (the Secret shards); problems
// name the Secret and its keys, never a value.
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { trunkCredentialsProblem } from '../asterisk/render/trunks.ts';
import { isNotFound } from '../clients/errors.ts';
import type { SipTrunk } from '../crds/types.ts';

export interface TrunkCredentials {
  readonly username: string;
  readonly password: string;
}

export type CredentialsResult =
  /** The trunk names no Secret: it is identified by address only. */
  | { readonly state: 'none' }
  | { readonly state: 'ok'; readonly credentials: TrunkCredentials }
  | {
      readonly state: 'problem';
      readonly reason: 'SecretNotFound' | 'SecretKeyMissing' | 'CredentialsInvalid';
      readonly message: string;
    };

const decode = (secret: V1Secret, key: string): string | undefined => {
  const v = secret.data?.[key];
  // A trailing newline (kubectl create secret --from-file) is not part of a password.
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8').trim();
};

/** Pure: what the Secret (undefined: not found) gives the trunk. */
export function credentialsFromSecret(
  trunk: SipTrunk,
  secret: V1Secret | undefined,
): CredentialsResult {
  const ref = trunk.spec.credentialsSecret;
  if (!ref) return { state: 'none' };
  const field = 'spec.credentialsSecret';
  if (!secret)
    return {
      state: 'problem',
      reason: 'SecretNotFound',
      message: `${field}: Secret "${ref.name}" not found`,
    };
  const username = decode(secret, ref.usernameKey);
  const password = decode(secret, ref.passwordKey);
  const missing = [...(username ? [] : [ref.usernameKey]), ...(password ? [] : [ref.passwordKey])];
  if (missing.length || username === undefined || password === undefined)
    return {
      state: 'problem',
      reason: 'SecretKeyMissing',
      message: `${field}: Secret "${ref.name}" has no key ${missing.map((k) => `"${k}"`).join(', ')}`,
    };
  const problem = trunkCredentialsProblem({ username, password });
  if (problem)
    return {
      state: 'problem',
      reason: 'CredentialsInvalid',
      message: `${field}: Secret "${ref.name}": ${problem}`,
    };
  return { state: 'ok', credentials: { username, password } };
}

/** Reads the trunk's Secret (user-owned, so not in the operator's informer) and checks it. */
export async function readTrunkCredentials(
  core: Pick<CoreV1Api, 'readNamespacedSecret'>,
  trunk: SipTrunk,
): Promise<CredentialsResult> {
  const ref = trunk.spec.credentialsSecret;
  if (!ref) return { state: 'none' };
  let secret: V1Secret | undefined;
  try {
    secret = await core.readNamespacedSecret({
      name: ref.name,
      namespace: trunk.metadata.namespace ?? '',
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return credentialsFromSecret(trunk, secret);
}
