// What can be done during an answered call: hold, mute, DTMF and another
// microphone. Hold and mute switch tracks rather than renegotiate media, so
// they take effect at once and survive each other.
import { sendHold } from './call-hold.ts';
import { replaceMicrophone, setReceivingEnabled, setSendingEnabled } from './call-media.ts';
import type { CallSession } from './call-session.ts';
import { type CallNotes, sendsAudio } from './call-view.ts';
import { isDtmfTone } from './dial-target.ts';
import { sendTone } from './dtmf.ts';
import { microphoneHelp } from './media-help.ts';
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
