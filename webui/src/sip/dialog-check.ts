// Does the SIP server still have this call? Asked with an in-dialog OPTIONS
// (RFC 3261 §11; Asterisk answers it through res_pjsip_dlg_options) when the
// WebSocket came back during a call. An Asterisk that restarted lost every
// dialog: once booted its dialog layer answers 481, and while it still boots
// it answers nothing at all. Without asking, the phone showed the dead call
// until ICE gave up (~16 s) and answered new calls with 486 Busy meanwhile.
// (Deep imports: SIP.js's Core namespace would bundle all of its core.)
import { SessionDialog } from 'sip.js/lib/core/dialogs/session-dialog.js';
import { C } from 'sip.js/lib/core/messages/methods/constants.js';
import type { Session as CoreSession } from 'sip.js/lib/core/session/session.js';
import { NonInviteClientTransaction } from 'sip.js/lib/core/transactions/non-invite-client-transaction.js';
import { UserAgentClient } from 'sip.js/lib/core/user-agents/user-agent-client.js';

export type DialogAnswer = 'exists' | 'gone' | 'no-answer';

/** How long the server may take to answer: a booting Asterisk never does. */
export const DIALOG_CHECK_MS = 3000;

export const CALL_LOST = {
  restarted: 'The call was lost: the phone system restarted',
  noAnswer: 'The call was lost: the phone system did not answer after the connection came back',
} as const;

/**
 * What a final answer says about the dialog: 481 (Call/Transaction Does Not
 * Exist) and 408 end it (RFC 5057 §5.1); anything else came from the server
 * that holds it, or is SIP.js's own 503 for a socket that failed again (the
 * next reconnect asks again): the call goes on.
 */
export function dialogAnswer(statusCode: number): DialogAnswer {
  return statusCode === 481 || statusCode === 408 ? 'gone' : 'exists';
}

/** Sends the OPTIONS in the dialog; resolves with what the answer (or its absence within `ms`) says. */
export function askDialog(session: CoreSession, ms = DIALOG_CHECK_MS): Promise<DialogAnswer> {
  // SIP.js's session API sends no OPTIONS; its dialog class can
  const dialog = session instanceof SessionDialog ? session : undefined;
  if (!dialog) return Promise.resolve('exists');
  return new Promise((resolve) => {
    // (the transaction ends by its own 32 s timer; its late answer changes nothing)
    const timer = setTimeout(() => resolve('no-answer'), ms);
    const done = (answer: DialogAnswer) => {
      clearTimeout(timer);
      resolve(answer);
    };
    try {
      new UserAgentClient(
        NonInviteClientTransaction,
        dialog.userAgentCore,
        dialog.createOutgoingRequestMessage(C.OPTIONS),
        {
          onAccept: () => done('exists'),
          onRedirect: () => done('exists'),
          onReject: ({ message }) => done(dialogAnswer(message.statusCode ?? 0)),
        },
      );
    } catch {
      // a dialog SIP.js already ended cannot send: it is gone
      done('gone');
    }
  });
}
