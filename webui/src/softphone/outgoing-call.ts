// Calls the agent places: no INVITE from Asterisk names their linkedid (the
// history id notes are filed under), so once such a call is answered the
// softphone asks the operator for it by the INVITE's Call-ID
// (GET /softphone/calls/by-sip-call-id/:callId, operator
// api/softphone/sip-call-route.ts; the operator waits up to 2 s for
// Asterisk's event), then shows the note form as for incoming calls.
// One question per call; a call that ends meanwhile drops the answer.
import { request } from '../api/client.ts';
import type { CallView } from '../sip/call-view.ts';

/** The Call-ID to ask about: an answered call the agent placed whose linkedid is not known yet. */
export function callIdToAsk(
  call: Pick<CallView, 'direction' | 'phase' | 'linkedid' | 'sipCallId'> | undefined,
): string | undefined {
  if (call?.direction !== 'outgoing' || call.phase !== 'active' || call.linkedid) return undefined;
  return call.sipCallId || undefined;
}

export function sipCallPath(callId: string): string {
  return `/softphone/calls/by-sip-call-id/${encodeURIComponent(callId)}`;
}

type Fetch = (callId: string, signal: AbortSignal) => Promise<string>;

const fetchLinkedid: Fetch = async (callId, signal) =>
  (await request<{ linkedid: string }>('GET', sipCallPath(callId), undefined, signal)).linkedid;

export class OutgoingCallNames {
  readonly #named: (callViewId: string, linkedid: string) => void;
  readonly #fetch: Fetch;
  /** The Call-ID asked about (asked once, answered or not). */
  #asked: string | undefined;
  #inFlight: AbortController | undefined;

  /** `named`: the call (CallView.id) has this linkedid (SipPhoneController.nameCall). */
  constructor(named: (callViewId: string, linkedid: string) => void, fetch: Fetch = fetchLinkedid) {
    this.#named = named;
    this.#fetch = fetch;
  }

  /** After each render: the call in progress (undefined: none, or no notes on this page). */
  update(call: CallView | undefined): void {
    const callId = callIdToAsk(call);
    if (callId === undefined || !call) {
      // the call ended or is named: an answer still on its way is of no use
      if (!call || call.sipCallId !== this.#asked) this.stop();
      return;
    }
    if (callId === this.#asked) return;
    this.stop();
    this.#asked = callId;
    const inFlight = new AbortController();
    this.#inFlight = inFlight;
    const id = call.id;
    this.#fetch(callId, inFlight.signal).then(
      (linkedid) => {
        if (!inFlight.signal.aborted) this.#named(id, linkedid);
      },
      // no form then (a call Asterisk did not name, a follower without a
      // leader): the call itself goes on as before
      () => undefined,
    );
  }

  stop(): void {
    this.#inFlight?.abort();
    this.#inFlight = undefined;
  }
}
