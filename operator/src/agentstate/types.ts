// Agent states live in Asterisk as queue-member state (DESIGN.md): the
// operator computes which queues an agent may serve (desired members), the
// agent or an admin says whether they serve now (intent), and app_queue holds
// the result (live members), read back from AMI. These are the shapes.

/** What an agent chose: serving calls, paused with a reason, or signed out of every queue. */
export type Presence = 'available' | 'paused' | 'signed-out';

/** One queue an agent may serve, computed by the operator (never typed into Asterisk). */
export interface DesiredMember {
  readonly agent: string;
  readonly queue: string;
  /** PJSIP/<sip username>: the member interface and its state interface. */
  readonly iface: string;
  /** Shown in `queue show` and to supervisors: the agent's display name. */
  readonly memberName: string;
  readonly penalty: number;
}

/** A queue member as app_queue reports it (QueueStatus / QueueMember* events). */
export interface LiveMember {
  readonly queue: string;
  readonly iface: string;
  readonly memberName: string;
  readonly penalty: number;
  readonly paused: boolean;
  readonly pausedReason: string;
  /** app_queue device status: 1 not in use, 2 in use, 5 unavailable, 6 ringing, … */
  readonly status: number;
  readonly inCall: boolean;
  /** Unix seconds of the member's last completed queue call (0: none). */
  readonly lastCall: number;
  readonly dynamic: boolean;
}

/** An agent's standing choice; Asterisk's members follow it in every queue the agent may serve. */
export interface AgentIntent {
  readonly presence: Presence;
  /** Why paused (presence 'paused' only). */
  readonly reason?: string;
}

export const AVAILABLE: AgentIntent = { presence: 'available' };

/** The AMI actions that bring live members to the desired ones. */
export type MemberAction =
  | {
      readonly action: 'QueueAdd';
      readonly queue: string;
      readonly iface: string;
      readonly memberName: string;
      readonly penalty: number;
      readonly paused: boolean;
      readonly reason: string;
    }
  | { readonly action: 'QueueRemove'; readonly queue: string; readonly iface: string }
  | {
      readonly action: 'QueuePenalty';
      readonly queue: string;
      readonly iface: string;
      readonly penalty: number;
    }
  | {
      readonly action: 'QueuePause';
      readonly queue: string;
      readonly iface: string;
      readonly paused: boolean;
      readonly reason: string;
    };

/** What an agent, the softphone and the HR table see. */
export interface AgentStateView {
  readonly agent: string;
  readonly presence: Presence;
  readonly reason?: string;
  /** ISO time the presence was last changed (as far as this operator knows). */
  readonly since?: string;
  /** Queues the agent is a member of now (signed in), in byte order. */
  readonly queues: readonly string[];
  /** Queues the agent may serve (signed in or not). */
  readonly eligibleQueues: readonly string[];
  readonly onCall: boolean;
  /** ISO time wrap-up after the last queue call ends (absent: not in wrap-up). */
  readonly wrapUpUntil?: string;
  /** False while the operator cannot reach this namespace's Asterisk (the rest is then the last known). */
  readonly live: boolean;
}

/**
 * One change of an agent's state, the durable record (log line and Event
 * today, a PostgreSQL row once the history store exists): who, when, which
 * queues, why.
 */
export interface AgentStateRecord {
  readonly at: string;
  readonly namespace: string;
  readonly agent: string;
  readonly change: 'sign-in' | 'sign-out' | 'pause' | 'unpause' | 'queue-join' | 'queue-leave';
  readonly queues: readonly string[];
  readonly reason?: string;
  /** "agent:<name>", "admin:<login>", "token:<name>" or "operator" (eligibility changed). */
  readonly by: string;
}
