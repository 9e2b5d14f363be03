// What a signed-in agent's softphone must know about its own line, as the
// operator sees it: Asterisk never tells a WebSocket client that its endpoint
// vanished (rotated credentials, suspension, deletion), so the page hears it
// here instead. Pure; streamed by GET /softphone/events.
import type { SipAgent } from '../../crds/types.ts';

export interface LineState {
  /** 'active' while Asterisk is meant to have the endpoint; otherwise why not. */
  readonly state: 'active' | 'suspended' | 'deleted';
  /** The SIP username Asterisk knows now (a rotation changes it). */
  readonly username: string | null;
  readonly extension: number | null;
  /**
   * Live from Asterisk (AMI contact events), for `username`'s endpoint; null
   * while the operator has no word on it. Right after a rotation it is the
   * new username's, so it says nothing about a phone still on the old one.
   */
  readonly registered: boolean | null;
  /**
   * Asterisk has loaded the endpoint of this very `username` (condition
   * Provisioned=True): only then does a REGISTER with the new credentials
   * work after a rotation. The controller computes Provisioned from a
   * fingerprint of the username and writes both in one status update, so a
   * True never belongs to the previous username. null: no condition yet.
   */
  readonly provisioned: boolean | null;
}

/** The line of an agent: one that is gone (deleted, or no longer cached) or being deleted is 'deleted'. */
export function lineStateOf(agent: SipAgent | undefined, deleted = false): LineState {
  const status = agent?.status;
  const state =
    deleted || !agent || agent.metadata.deletionTimestamp
      ? 'deleted'
      : agent.spec.suspended
        ? 'suspended'
        : 'active';
  const provisioned = status?.conditions?.find((c) => c.type === 'Provisioned');
  return {
    state,
    username: status?.sipUsername ?? null,
    extension: status?.extension ?? null,
    registered: status?.registered ?? null,
    provisioned: provisioned && status?.sipUsername ? provisioned.status === 'True' : null,
  };
}

export function sameLineState(a: LineState | undefined, b: LineState): boolean {
  return (
    a !== undefined &&
    a.state === b.state &&
    a.username === b.username &&
    a.extension === b.extension &&
    a.registered === b.registered &&
    a.provisioned === b.provisioned
  );
}
