// The status a WebRTCConfig should have. Pure.
import type { ConnectionState } from '../asterisk/view.ts';
import type { WebRTCConfig, WebRTCConfigStatus } from '../crds/types.ts';
import { type ConditionInput, setConditions } from '../status/conditions.ts';

export interface ConfigFacts {
  readonly referenceProblems: readonly string[];
  readonly agents: number;
  readonly configHash: string;
  readonly generated: { readonly ok: true } | { readonly ok: false; readonly message: string };
  readonly asterisk: ConnectionState;
  /** Public access on: the numbers guests reach and the configured ones that reach no queue. */
  readonly publicNumbers?: {
    readonly allowed: readonly string[];
    readonly dropped: readonly string[];
    /** spec.publicAccess.openingHours in one line (absent: always open). */
    readonly hours?: string;
    /** spec.publicAccess.openingHours.timeZone when no zone of that name is known. */
    readonly unknownTimeZone?: string;
  };
}

/** Whether guests can call, and what a configured number that reaches no queue means for them. */
function publicAccess(numbers: NonNullable<ConfigFacts['publicNumbers']>): ConditionInput {
  const dropped = numbers.dropped.length
    ? `; ${numbers.dropped.join(', ')} ${numbers.dropped.length > 1 ? 'reach' : 'reaches'} no queue, so guests calling ${numbers.dropped.length > 1 ? 'them are' : 'it are'} refused`
    : '';
  if (numbers.unknownTimeZone !== undefined)
    return {
      type: 'PublicAccess',
      status: 'False',
      reason: 'UnknownTimeZone',
      message: `spec.publicAccess.openingHours.timeZone "${numbers.unknownTimeZone}" is not a known time zone: guests are refused as if closed`,
    };
  if (numbers.allowed.length === 0)
    return {
      type: 'PublicAccess',
      status: 'False',
      reason: 'NoPublicNumber',
      message: `guests can call no number${dropped}`,
    };
  return {
    type: 'PublicAccess',
    status: 'True',
    reason: numbers.dropped.length ? 'NumbersDropped' : 'Open',
    message: `guests may call ${numbers.allowed.join(', ')}${numbers.hours ? `, open ${numbers.hours}` : ''}${dropped}`,
  };
}

const CONNECTION_REASONS: Record<ConnectionState['state'], string> = {
  unconfigured: 'NotConfigured',
  connecting: 'Connecting',
  connected: 'Connected',
  disconnected: 'Disconnected',
};

function asteriskConnected(c: ConnectionState): ConditionInput {
  if (c.state === 'connected' && c.draining)
    return { type: 'AsteriskConnected', status: 'True', reason: 'Draining', message: c.message };
  return {
    type: 'AsteriskConnected',
    status: c.state === 'connected' ? 'True' : 'False',
    reason: CONNECTION_REASONS[c.state],
    message: c.message,
  };
}

export function desiredConfigStatus(
  config: WebRTCConfig,
  facts: ConfigFacts,
  now: Date,
): WebRTCConfigStatus {
  const generation = config.metadata.generation;
  const references: ConditionInput = facts.referenceProblems.length
    ? {
        type: 'ReferencesResolved',
        status: 'False',
        reason: 'SecretProblem',
        message: facts.referenceProblems.join('; '),
      }
    : {
        type: 'ReferencesResolved',
        status: 'True',
        reason: 'AllFound',
        message: 'every referenced Secret exists with the expected keys',
      };
  const generated: ConditionInput = facts.generated.ok
    ? {
        type: 'ConfigGenerated',
        status: 'True',
        reason: 'Generated',
        message: `Asterisk configuration for ${facts.agents} agents is written`,
      }
    : {
        type: 'ConfigGenerated',
        status: 'False',
        reason: 'WriteFailed',
        message: facts.generated.message,
      };
  const ready: ConditionInput =
    references.status === 'True' && generated.status === 'True'
      ? {
          type: 'Ready',
          status: 'True',
          reason: 'Ready',
          message: 'configuration generated and every reference resolved',
        }
      : {
          type: 'Ready',
          status: 'False',
          reason: references.status === 'True' ? generated.reason : references.reason,
          message: references.status === 'True' ? generated.message : references.message,
        };

  const spec = config.spec;
  const iceServers: NonNullable<WebRTCConfigStatus['iceServers']> = [];
  if (spec.iceServers.stunUrls?.length)
    iceServers.push({ urls: [...spec.iceServers.stunUrls], credential: 'none' });
  for (const t of spec.iceServers.turnServers ?? []) {
    iceServers.push({ urls: [...t.urls], credential: t.sharedSecret ? 'turn-rest' : 'static' });
  }
  return {
    ...config.status,
    observedGeneration: generation,
    agents: facts.agents,
    configHash: facts.configHash,
    iceServers,
    conditions: setConditions(
      // Public access off: its condition goes rather than staying stale.
      facts.publicNumbers
        ? config.status?.conditions
        : config.status?.conditions?.filter((c) => c.type !== 'PublicAccess'),
      [
        references,
        generated,
        asteriskConnected(facts.asterisk),
        ready,
        ...(facts.publicNumbers ? [publicAccess(facts.publicNumbers)] : []),
      ].map((c) => ({
        ...c,
        observedGeneration: generation,
      })),
      now,
    ),
  };
}
