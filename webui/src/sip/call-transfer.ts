// Blind transfer: a REFER to the server, which takes the other party out of
// our call and sends it to the target through its own dialplan (Asterisk's
// res_pjsip_refer: the target is looked up in the transferring agent's
// context, so whatever the agent may dial, the caller can be sent to), then
// hangs up our leg. The REFER's progress comes back as NOTIFYs whose body is
// a status line (message/sipfrag): 1xx while Asterisk works, 200 once the
// caller is on its way, anything else a failure. After a success the
// transferor hangs up its own leg (RFC 5589; Asterisk waits for that BYE);
// a failure leaves the call as it was. An attended transfer is the same
// REFER with the consult call as its target: SIP.js writes Refer-To with
// Replaces naming that dialog (RFC 3891), and Asterisk bridges the two far
// ends itself (res_pjsip_refer: ast_bridge_transfer_attended).
import type { Session, URI } from 'sip.js';
import { refusalReason } from './call-refusal.ts';

export type TransferOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string };

/** The status code of a message/sipfrag body ("SIP/2.0 200 OK"), if it has one. */
export function sipfragStatus(body: string): { code: number; phrase: string } | undefined {
  const m = /^SIP\/2\.0\s+(\d{3})\s*([^\r\n]*)/.exec(body.trim());
  return m ? { code: Number(m[1]), phrase: (m[2] ?? '').trim() } : undefined;
}

export function referTransfer(
  session: Session,
  target: URI | Session,
  mark: (event: string) => void,
): Promise<TransferOutcome> {
  mark('transfer-sent');
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: TransferOutcome) => {
      if (settled) return;
      settled = true;
      mark(outcome.ok ? 'transferred' : 'transfer-failed');
      resolve(outcome);
    };
    session
      .refer(target, {
        requestDelegate: {
          onAccept: () => mark('transfer-accepted'),
          onReject: ({ message }) =>
            settle({
              ok: false,
              error: `The transfer was refused: ${refusalReason(
                message.statusCode ?? 0,
                message.reasonPhrase ?? '',
                message.getHeader('Reason'),
              )}`,
            }),
        },
        onNotify: (notification) => {
          notification.accept().catch(() => undefined);
          const status = sipfragStatus(notification.request.body);
          if (!status || status.code < 200) return;
          if (status.code < 300) settle({ ok: true });
          else
            settle({
              ok: false,
              error: `The transfer failed: ${status.code} ${status.phrase}`.trim(),
            });
        },
      })
      .catch((error: unknown) =>
        settle({ ok: false, error: `The transfer failed: ${(error as Error).message}` }),
      );
  });
}
