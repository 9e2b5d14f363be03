// The API's own Secrets, made on first start (as Argo CD makes
// argocd-initial-admin-secret): no default password exists anywhere.
//  - switchboard-initial-admin: the generated admin password in plain text,
//    for the platform team to read with kubectl (and delete once handed over).
//  - switchboard-api: the admin password's scrypt hash and the key that signs
//    session cookies, shared by every replica.
// Every step tolerates a replica racing it (409 → read the winner's Secret),
// and a crash between steps converges on the next start.
import { randomBytes } from 'node:crypto';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { isAlreadyExists, isNotFound } from '../../clients/errors.ts';
import { commonLabels } from '../../labels.ts';
import { hashPassword } from './password-hash.ts';

export const INITIAL_ADMIN_SECRET = 'switchboard-initial-admin';
export const API_SECRET = 'switchboard-api';
const HASH_KEY = 'admin-password-hash';
const SESSION_KEY = 'session-key';

export interface ApiSecrets {
  readonly adminPasswordHash: string;
  readonly sessionKey: string;
}

const decode = (s: V1Secret | undefined, key: string) => {
  const v = s?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
};

async function read(core: CoreV1Api, namespace: string, name: string) {
  try {
    return await core.readNamespacedSecret({ name, namespace });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Creates the Secret unless it exists; either way returns what is stored. */
async function createOrRead(
  core: CoreV1Api,
  namespace: string,
  name: string,
  stringData: Record<string, string>,
): Promise<V1Secret> {
  try {
    await core.createNamespacedSecret({
      namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name, namespace, labels: commonLabels('web-ui') },
        stringData,
      },
    });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const stored = await read(core, namespace, name);
  if (!stored) throw new Error(`Secret ${namespace}/${name} vanished right after it was created`);
  return stored;
}

function fromApiSecret(secret: V1Secret, namespace: string): ApiSecrets {
  const adminPasswordHash = decode(secret, HASH_KEY);
  const sessionKey = decode(secret, SESSION_KEY);
  if (!adminPasswordHash || !sessionKey || sessionKey.length < 32) {
    throw new Error(
      `Secret ${namespace}/${API_SECRET} lacks "${HASH_KEY}" or "${SESSION_KEY}": delete it (and ${INITIAL_ADMIN_SECRET}) to generate a new admin password`,
    );
  }
  return { adminPasswordHash, sessionKey };
}

export async function ensureApiSecrets(core: CoreV1Api, namespace: string): Promise<ApiSecrets> {
  const existing = await read(core, namespace, API_SECRET);
  if (existing) return fromApiSecret(existing, namespace);
  const initial = await createOrRead(core, namespace, INITIAL_ADMIN_SECRET, {
    password: randomBytes(18).toString('base64url'),
  });
  const password = decode(initial, 'password');
  if (!password) throw new Error(`Secret ${namespace}/${INITIAL_ADMIN_SECRET} has no "password"`);
  const created = await createOrRead(core, namespace, API_SECRET, {
    [HASH_KEY]: await hashPassword(password),
    [SESSION_KEY]: randomBytes(32).toString('hex'),
  });
  return fromApiSecret(created, namespace);
}

/** The admin password hash as stored now (logins re-read it: a changed password applies at once). */
export async function readAdminPasswordHash(
  core: CoreV1Api,
  namespace: string,
): Promise<string | undefined> {
  return decode(await read(core, namespace, API_SECRET), HASH_KEY);
}
