// What can be done during an answered call: hold, mute, DTMF and another
// microphone. Hold and mute switch tracks rather than renegotiate media, so
// they take effect at once and survive each other.
import { UserAgent } from 'sip.js';
import { sendHold } from './call-hold.ts';
import { replaceMicrophone, setReceivingEnabled, setSendingEnabled } from './call-media.ts';
import type { CallSession } from './call-session.ts';
import { referTransfer } from './call-transfer.ts';
import { type CallNotes, sendsAudio } from './call-view.ts';
import { dialTarget, isDtmfTone } from './dial-target.ts';
import { sendTone } from './dtmf.ts';
import { microphoneHelp } from './media-help.ts';
import { type PhoneConfig, sipDomain } from './phone-config.ts';
import type { PhoneHooks } from './phone-timeline.ts';

export class CallControls {
  readonly #calls: CallSession;
  readonly #notes: CallNotes;
  readonly #hooks: PhoneHooks;

  constructor(calls: CallSession, notes: CallNotes, hooks: PhoneHooks) {
    this.#calls = calls;
    this.#notes = notes;
    this.#hooks = hooks;
  }

  async setHold(hold: boolean): Promise<void> {
    const calls = this.#calls;
    const session = calls.session;
    const call = calls.view;
    if (!session || !call || call.phase !== 'active' || call.held === hold || call.holdPending) {
      return;
    }
    calls.patch({ holdPending: true });
    const { held, error } = await sendHold(session, hold, this.#hooks.mark);
    if (error) this.#notes.callError = error;
    // the call may have been muted (or ended) while the re-INVITE was out
    const muted = calls.view?.muted ?? false;
    setReceivingEnabled(calls.peerConnection, !held);
    setSendingEnabled(calls.peerConnection, sendsAudio({ held, muted }));
    calls.patch({ held, holdPending: false });
  }

  /**
   * Sends the other party to `input` (an extension, queue number or outside
   * number, as typed) and, once the server took it, lets the call end.
   * Resolves with the error shown, if any.
   */
  async transfer(input: string, config: PhoneConfig | undefined): Promise<string | undefined> {
    const calls = this.#calls;
    const session = calls.session;
    const call = calls.view;
    if (!session || !config || call?.phase !== 'active' || call.transferPending) {
      return this.#transferError('Transfer needs an answered call.');
    }
    const target = dialTarget(input, sipDomain(config));
    if (!target.ok) return this.#transferError(target.error);
    const uri = UserAgent.makeURI(target.uri);
    if (!uri) return this.#transferError(`"${input}" is not a valid SIP address.`);
    this.#notes.callError = undefined;
    const reason = `Transferred to ${target.display}`;
    calls.expectEnd(reason);
    calls.patch({ transferPending: true });
    const outcome = await referTransfer(session, uri, this.#hooks.mark);
    if (calls.session !== session) return undefined; // the far end ended it already
    if (outcome.ok) {
      // the caller is on its way: the transferor ends its own leg (RFC 5589)
      await calls.hangUp(reason);
      return undefined;
    }
    calls.expectEnd(undefined);
    calls.patch({ transferPending: false });
    return this.#transferError(outcome.error);
  }

  #transferError(error: string): string {
    this.#notes.callError = error;
    this.#hooks.changed();
    return error;
  }

  setMute(muted: boolean): void {
    const call = this.#calls.view;
    if (call?.phase !== 'active') return;
    setSendingEnabled(this.#calls.peerConnection, sendsAudio({ held: call.held, muted }));
    this.#calls.patch({ muted });
  }

  sendDtmf(tone: string): boolean {
    const session = this.#calls.session;
    if (!session || this.#calls.view?.phase !== 'active' || !isDtmfTone(tone)) return false;
    if (sendTone(session, this.#calls.peerConnection, tone) === 'rtp') {
      this.#hooks.mark(`dtmf-${tone}`);
    }
    return true;
  }

  /** Takes effect in the call in progress at once, and in later calls. */
  async selectMicrophone(deviceId: string | undefined): Promise<void> {
    const notes = this.#notes;
    notes.microphoneId = deviceId || undefined;
    const pc = this.#calls.peerConnection;
    const call = this.#calls.view;
    if (pc && call?.phase === 'active') {
      try {
        await replaceMicrophone(pc, notes.microphoneId, sendsAudio(call));
        notes.mediaError = undefined;
      } catch (error) {
        notes.mediaError = microphoneHelp(error) ?? `Switching microphones failed: ${error}`;
      }
    }
    this.#hooks.changed();
  }
}
