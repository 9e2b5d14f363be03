// What an action handler sees and returns. A handler answers the requesting
// session (`reply`, in order) and may publish events to every session that
// wants them (`events`, sent after the reply, as Asterisk's arrive after it).
import type { Asterisk } from './asterisk.ts';
import type { AmiMessage, AmiRequest } from './framing.ts';

export interface SessionState {
  authenticated: boolean;
  /** Event classes the session receives (see event-mask.ts). */
  eventMask: number;
}

export interface ActionContext {
  readonly asterisk: Asterisk;
  readonly session: SessionState;
  /** Whether a Login with these credentials succeeds now. */
  readonly checkLogin: (username: string | undefined, secret: string | undefined) => boolean;
}

export interface ActionResult {
  readonly reply: readonly AmiMessage[];
  readonly events?: readonly AmiMessage[];
  /** Close the connection after the reply (Logoff, failed Login). */
  readonly close?: boolean;
}

export type ActionHandler = (
  ctx: ActionContext,
  req: AmiRequest,
) => ActionResult | Promise<ActionResult>;

export const answer = (...reply: AmiMessage[]): ActionResult => ({ reply });
