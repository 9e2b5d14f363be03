// A tls SipTrunk's CA bundle, read from the Secret spec.tls.caSecret names:
// the certificates the carrier's certificate must chain to. Checked here
// (every block a certificate node:crypto parses), normalised (each
// certificate once, re-encoded as PEM) so that the bundle Asterisk gets is
// only certificates, never stray text. A CA is not secret, but it is
// delivered beside the passwords (the Secret shards) because it must arrive
// with the marker that says it arrived (LAYOUT.md).
import { X509Certificate } from 'node:crypto';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { isNotFound } from '../clients/errors.ts';
import type { SipTrunk } from '../crds/types.ts';

export type CaResult =
  /** Not a tls trunk. */
  | { readonly state: 'none' }
  /** PEM, one certificate after the other, each ending in a newline. */
  | { readonly state: 'ok'; readonly pem: string }
  | {
      readonly state: 'problem';
      readonly reason: 'CASecretNotFound' | 'CAKeyMissing' | 'CAInvalid';
      readonly message: string;
    };

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const FIELD = 'spec.tls.caSecret';

/** Pure: the certificates of a PEM bundle, or why it is not one. */
export function parseCaBundle(text: string): { pem: string } | { problem: string } {
  const blocks = [...text.matchAll(BLOCK)];
  if (blocks.length === 0) return { problem: 'holds no PEM certificate' };
  const seen = new Set<string>();
  let pem = '';
  for (const [block, kind] of blocks) {
    if (kind !== 'CERTIFICATE')
      return { problem: `holds a PEM block "${kind}", not a certificate` };
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      return { problem: 'holds a certificate that cannot be parsed' };
    }
    if (seen.has(cert.fingerprint256)) continue;
    seen.add(cert.fingerprint256);
    pem += cert.toString().trimEnd().concat('\n');
  }
  return { pem };
}

/** Pure: what the Secret (undefined: not found) gives the trunk. */
export function caFromSecret(trunk: SipTrunk, secret: V1Secret | undefined): CaResult {
  const ref = trunk.spec.tls?.caSecret;
  if (trunk.spec.transport !== 'tls' || !ref) return { state: 'none' };
  if (!secret)
    return {
      state: 'problem',
      reason: 'CASecretNotFound',
      message: `${FIELD}: Secret "${ref.name}" not found`,
    };
  const data = secret.data?.[ref.key];
  if (!data)
    return {
      state: 'problem',
      reason: 'CAKeyMissing',
      message: `${FIELD}: Secret "${ref.name}" has no key "${ref.key}"`,
    };
  const parsed = parseCaBundle(Buffer.from(data, 'base64').toString('utf8'));
  if ('problem' in parsed)
    return {
      state: 'problem',
      reason: 'CAInvalid',
      message: `${FIELD}: key "${ref.key}" of Secret "${ref.name}" ${parsed.problem}`,
    };
  return { state: 'ok', pem: parsed.pem };
}

/** Reads the trunk's CA Secret (user-owned, so not in the operator's informer) and checks it. */
export async function readTrunkCa(
  core: Pick<CoreV1Api, 'readNamespacedSecret'>,
  trunk: SipTrunk,
): Promise<CaResult> {
  const ref = trunk.spec.tls?.caSecret;
  if (trunk.spec.transport !== 'tls' || !ref) return { state: 'none' };
  let secret: V1Secret | undefined;
  try {
    secret = await core.readNamespacedSecret({
      name: ref.name,
      namespace: trunk.metadata.namespace ?? '',
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return caFromSecret(trunk, secret);
}
