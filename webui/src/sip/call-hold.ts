// Hold and resume are re-INVITEs: the offer turns sendonly (hold) or back to
// sendrecv (resume); the call's tracks are switched by the caller once the
// answer settles it.
import type { Session } from 'sip.js';
import type { SessionDescriptionHandlerOptions } from 'sip.js/lib/platform/web/session-description-handler/session-description-handler-options.js';

export interface HoldOutcome {
  /** Whether the call is held now: as asked when accepted, as before otherwise. */
  readonly held: boolean;
  readonly error?: string;
}

export function sendHold(
  session: Session,
  hold: boolean,
  mark: (event: string) => void,
): Promise<HoldOutcome> {
  const options: SessionDescriptionHandlerOptions =
    session.sessionDescriptionHandlerOptionsReInvite;
  const withHold = (h: boolean): SessionDescriptionHandlerOptions => ({ ...options, hold: h });
  session.sessionDescriptionHandlerOptionsReInvite = withHold(hold);
  mark(hold ? 'hold-sent' : 'unhold-sent');
  return new Promise((resolve) => {
    session
      .invite({
        requestDelegate: {
          onAccept: () => {
            mark(hold ? 'held' : 'unheld');
            resolve({ held: hold });
          },
          onReject: () => {
            // later re-INVITEs (e.g. ICE restarts) must keep the state the call is in
            session.sessionDescriptionHandlerOptionsReInvite = withHold(!hold);
            resolve({
              held: !hold,
              error: hold ? 'The other side refused the hold.' : 'Resuming failed.',
            });
          },
        },
      })
      .catch((error: unknown) => {
        resolve({ held: !hold, error: `Hold failed: ${(error as Error).message}` });
      });
  });
}
