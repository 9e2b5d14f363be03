// The HTTP API's shapes as the web UI reads them (operator/src/api answers these).

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

// The list and stats shapes are the operator's own types: one definition,
// type-only imports vanish from the bundle.
export type { ApiUser, Stats, UserPage } from '../../../operator/src/api/hr/users-view.ts';

import type { ApiUser } from '../../../operator/src/api/hr/users-view.ts';

export interface SipCredentials {
  readonly username: string;
  readonly password: string;
  readonly extension: number | null;
}

export interface CredentialsAnswer {
  readonly user: ApiUser;
  readonly sipCredentials: SipCredentials;
  readonly message: string;
}

export type Session =
  | { readonly authenticated: false; readonly csrfToken: string | null }
  | {
      readonly authenticated: true;
      readonly role: 'admin';
      readonly name: string;
      readonly csrfToken: string | null;
    }
  | {
      readonly authenticated: true;
      /** A person with a SipAgent; a supervisor while its spec says `supervisor: true`. */
      readonly role: 'agent' | 'supervisor';
      readonly id: string;
      readonly name: string;
      readonly sipUsername: string | null;
      readonly extension: number | null;
      readonly csrfToken: string | null;
    };

export interface TurnServer {
  urls: string[];
  credentialsSecret?: { name: string; usernameKey?: string; passwordKey?: string };
  sharedSecret?: { name: string; key?: string; credentialTTLSeconds?: number };
}

export interface WebRtcSettings {
  asteriskWsUrl: string;
  iceServers: { stunUrls?: string[]; turnServers?: TurnServer[] };
}

export interface WebRtcConfigView {
  readonly exists: boolean;
  readonly namespace: string;
  readonly settings: WebRtcSettings | null;
  readonly conditions?: { type: string; status: string; reason: string; message: string }[];
  readonly generated?: {
    readonly configMapName: string;
    readonly contentHash: string | null;
    readonly pjsipConf: string | null;
  };
}

export interface SoftphoneConfig {
  readonly wsUrl: string;
  readonly iceServers: RTCIceServer[];
  readonly hotline: string;
  readonly username?: string | null;
  readonly extension?: number | null;
  readonly displayName?: string;
  /** The outcomes an agent may pick in the call note form (WebRTCConfig spec.dispositions). */
  readonly dispositions?: readonly Disposition[];
}

/**
 * An agent's queue state (Available / Paused with a reason / Signed out, on a
 * call, wrap-up): GET|PUT /softphone/state, event "agent-state" of
 * GET /softphone/events, GET /hr/agent-states, PUT /hr/users/:id/state.
 */
export type { AgentStateView, Presence } from '../../../operator/src/agentstate/types.ts';
/** Asterisk's own state for the softphone (event "asterisk" of GET /softphone/events). */
export type { AsteriskNotice } from '../../../operator/src/api/softphone/asterisk-notice.ts';
/** The signed-in agent's own line, pushed by GET /softphone/events (event "line"). */
export type { LineState } from '../../../operator/src/api/softphone/line-state.ts';

import type { AgentStateView, Presence } from '../../../operator/src/agentstate/types.ts';
import type { Disposition } from '../../../operator/src/crds/types.ts';

/** GET /softphone/state: the signed-in agent's own state and the pause reasons it may give. */
export type OwnAgentState = AgentStateView & { readonly pauseReasons: readonly string[] };

/** GET /hr/agent-states: every agent's state (503 while no replica steers Asterisk). */
export interface AgentStates {
  readonly items: readonly AgentStateView[];
  readonly pauseReasons: readonly string[];
}

/** The body of PUT /softphone/state and PUT /hr/users/:id/state (a pause needs a reason). */
export interface AgentStateChange {
  readonly presence: Presence;
  readonly reason?: string;
}
