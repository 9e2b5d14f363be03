// The status a SipAgent should have, computed from what the controller knows.
// Pure: the controller writes it only when it differs from the current one.
import type { Condition, SipAgent, SipAgentStatus } from '../crds/types.ts';
import { type ConditionInput, setConditions } from '../status/conditions.ts';

export interface AgentFacts {
  readonly hasConfig: boolean;
  readonly secretName: string;
  readonly username: string | undefined;
  readonly generatedAt: string | undefined;
  readonly extension: number | undefined;
  readonly conflictWith: string | undefined;
  readonly rangeFull: { start: number; end: number } | undefined;
  /** What Asterisk says about this agent (computed by the caller from the AsteriskView). */
  readonly provisioned: ConditionInput;
  readonly registration: { readonly registered: boolean; readonly contacts: number };
}

export function desiredStatus(agent: SipAgent, facts: AgentFacts, now: Date): SipAgentStatus {
  const generation = agent.metadata.generation;
  const existing = agent.status?.conditions;
  const credentials: ConditionInput = facts.username
    ? {
        type: 'CredentialsReady',
        status: 'True',
        reason: 'CredentialsGenerated',
        message: `SIP credentials are in Secret ${facts.secretName}`,
      }
    : {
        type: 'CredentialsReady',
        status: 'False',
        reason: 'CredentialsPending',
        message: 'SIP credentials have not been generated yet',
      };

  const provisioned = facts.provisioned;
  const ready = readyCondition(agent, facts, provisioned);
  const conditions: Condition[] = setConditions(
    existing,
    [credentials, provisioned, ready].map((c) => ({ ...c, observedGeneration: generation })),
    now,
  );

  const status: SipAgentStatus = {
    ...agent.status,
    observedGeneration: generation,
    credentialsSecretName: facts.secretName,
    conditions,
  };
  if (facts.extension !== undefined) status.extension = facts.extension;
  else delete status.extension;
  if (facts.username) status.sipUsername = facts.username;
  if (facts.generatedAt) status.credentialsRotatedAt = facts.generatedAt;
  status.registered = facts.registration.registered;
  status.contacts = facts.registration.contacts;
  return status;
}

function readyCondition(
  agent: SipAgent,
  facts: AgentFacts,
  provisioned: ConditionInput,
): ConditionInput {
  const notReady = (reason: string, message: string): ConditionInput => ({
    type: 'Ready',
    status: 'False',
    reason,
    message,
  });
  if (!facts.hasConfig)
    return notReady('NoWebRTCConfig', 'this namespace has no WebRTCConfig named "default"');
  if (!facts.username)
    return notReady('CredentialsPending', 'SIP credentials have not been generated yet');
  if (facts.conflictWith) {
    return notReady(
      'ExtensionConflict',
      `extension ${facts.extension} is already used by SipAgent ${facts.conflictWith}, which is older`,
    );
  }
  if (facts.rangeFull) {
    return notReady(
      'ExtensionRangeFull',
      `no free extension left in the range ${facts.rangeFull.start}-${facts.rangeFull.end}`,
    );
  }
  if (agent.spec.suspended)
    return notReady('Suspended', 'the agent is suspended: removed from Asterisk, credentials kept');
  if (provisioned.status === 'True')
    return {
      type: 'Ready',
      status: 'True',
      reason: 'Provisioned',
      message: 'the agent can register and take calls',
    };
  return {
    type: 'Ready',
    status: provisioned.status,
    // An outage is not something to wait out quietly: name it (the HR page shows this reason).
    reason:
      provisioned.reason === 'AsteriskNotConnected' ? provisioned.reason : 'AwaitingProvisioning',
    message: `waiting for Asterisk: ${provisioned.message}`,
  };
}
