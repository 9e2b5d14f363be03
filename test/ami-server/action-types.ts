// What an action handler sees and returns. A handler answers the requesting
// session (`reply`, in order) and may publish events to every session that
// wants them (`events`, sent after the reply, as Asterisk's arrive after it).
import type { Asterisk } from './asterisk.ts';
import type { AmiMessage, AmiRequest } from './framing.ts';

/** An AMI user as manager.conf defines it, classes as bitmasks (event-mask.ts). */
export interface AmiUser {
  readonly username: string;
  readonly secret: string;
  readonly read: number;
  readonly write: number;
}

export interface SessionState {
  authenticated: boolean;
  /** Event classes the session asked for (Login's `Events:`, see event-mask.ts). */
  eventMask: number;
  /** The logged-in user's read and write classes (0 before login). */
  readPerm: number;
  writePerm: number;
  /** The MD5 challenge given by `Challenge`, kept for the session's Login. */
  challenge: string | undefined;
}

export interface ActionContext {
  readonly asterisk: Asterisk;
  readonly session: SessionState;
  /** The user a Login names (case-insensitively), unless Logins are refused now. */
  readonly findUser: (username: string | undefined) => AmiUser | undefined;
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
