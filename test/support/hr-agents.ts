// Agents created and rotated through the HR API the way an admin does it:
// POST /hr/users answers the SIP credentials once, regenerate-sip new ones.
import assert from 'node:assert/strict';
import type { ApiSession } from './api-session.ts';

export interface SipCredentials {
  readonly username: string;
  readonly password: string;
  readonly extension: number;
}

export interface CreatedAgent {
  readonly user: { readonly id: string };
  readonly sipCredentials: SipCredentials;
}

/** A new agent with a web UI login password; the SIP credentials as answered once. */
export async function createHrAgent(
  admin: ApiSession,
  name: string,
  loginPassword: string,
): Promise<CreatedAgent> {
  const res = await admin.call<CreatedAgent>('POST', '/hr/users', {
    name,
    password: loginPassword,
    accountType: 'agent',
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** The admin's "regenerate SIP credentials": the new ones, as answered once. */
export async function regenerateSip(
  admin: ApiSession,
  agent: CreatedAgent,
): Promise<SipCredentials> {
  const res = await admin.call<CreatedAgent>(
    'POST',
    `/hr/users/${agent.user.id}/regenerate-sip`,
    {},
  );
  assert.equal(res.status, 200, res.text);
  return res.body.sipCredentials;
}
