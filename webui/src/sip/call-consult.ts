// Attended (consult) transfer: the caller is put on hold (Asterisk plays it
// music on hold), a second call goes to a colleague, and then either the
// caller is sent to the colleague (a REFER on the caller's call whose
// Refer-To replaces the consult call: call-transfer.ts) or the consult call
// ends and the caller is resumed. The consult call is a CallSession of its
// own, so placing, ringing and ending it work as for any call. From the
// consult state the three can also talk together (call-conference.ts).
import { LocalConference } from './call-conference.ts';
import type { CallControls } from './call-controls.ts';
import type { CallSession } from './call-session.ts';
import { referTransfer } from './call-transfer.ts';
import type { CallNotes } from './call-view.ts';
import type { PhoneHooks } from './phone-timeline.ts';

export class ConsultLine {
  readonly #caller: CallSession;
  readonly #controls: CallControls;
  readonly #consult: CallSession;
  readonly #notes: CallNotes;
  readonly #hooks: PhoneHooks;
  #conference: LocalConference | undefined;

  constructor(
    caller: CallSession,
    controls: CallControls,
    consult: CallSession,
    notes: CallNotes,
    hooks: PhoneHooks,
  ) {
    this.#caller = caller;
    this.#controls = controls;
    this.#consult = consult;
    this.#notes = notes;
    this.#hooks = hooks;
  }

  /** Holds the caller and calls `input` (an extension, queue or number). Resolves with the error shown, if any. */
  async start(input: string): Promise<string | undefined> {
    const call = this.#caller.view;
    if (call?.phase !== 'active' || call.transferPending || this.#consult.view) {
      return this.#error('Consulting needs an answered call and no other consultation.');
    }
    if (!call.held) await this.#controls.setHold(true);
    if (!this.#caller.view?.held) return this.#error('The caller could not be put on hold.');
    await this.#endConference(); // one left over from calls that ended by themselves
    this.#hooks.mark('consult');
    await this.#consult.dial(input);
    return this.#notes.callError;
  }

  get inConference(): boolean {
    return this.#conference !== undefined;
  }

  /** Resumes the caller and mixes the two calls: caller, colleague and agent all hear each other. */
  async conference(): Promise<string | undefined> {
    if (this.#conference || this.#consult.view?.phase !== 'active') {
      return this.#error('A conference needs the colleague to answer first.');
    }
    await this.#controls.setHold(false);
    const caller = this.#caller.peerConnection;
    const consult = this.#consult.peerConnection;
    if (this.#caller.view?.held !== false || !caller || !consult) {
      return this.#error('The caller could not be taken off hold.');
    }
    this.#conference = await LocalConference.start(caller, consult);
    if (!this.#conference) return this.#error('The calls have no audio to mix.');
    this.#hooks.mark('conference');
    this.#hooks.changed();
    return undefined;
  }

  /** In a conference, mute silences the agent only; false: not in one (an ordinary mute). */
  setMute(muted: boolean): boolean {
    if (!this.#conference) return false;
    this.#conference.setMicrophoneEnabled(!muted);
    this.#caller.patch({ muted });
    this.#consult.patch({ muted });
    return true;
  }

  /** Ends the consult call (ringing or answered) and resumes the caller. */
  async back(): Promise<void> {
    this.#hooks.mark('consult-back');
    await this.#endConference();
    await this.#consult.hangUp('Back to the caller');
    this.#consult.end('Back to the caller');
    await this.#controls.setHold(false);
  }

  /** Sends the caller to the colleague the agent is talking to; both calls end here. */
  async complete(): Promise<string | undefined> {
    const caller = this.#caller.session;
    const consult = this.#consult.session;
    const colleague = this.#consult.view;
    if (
      !caller ||
      !consult ||
      colleague?.phase !== 'active' ||
      this.#caller.view?.transferPending
    ) {
      return this.#error('Completing the transfer needs the colleague to answer first.');
    }
    this.#notes.callError = undefined;
    const reason = `Transferred to ${colleague.remoteName}`;
    this.#caller.expectEnd(reason);
    this.#consult.expectEnd(reason);
    this.#caller.patch({ transferPending: true });
    this.#consult.patch({ transferPending: true });
    this.#hooks.mark('complete-transfer');
    const outcome = await referTransfer(caller, consult, this.#hooks.mark);
    if (outcome.ok) {
      // the caller is with the colleague: our two legs are done (BYE is harmless if Asterisk hung one up)
      await Promise.all([this.#caller.hangUp(reason), this.#consult.hangUp(reason)]);
      await this.#endConference();
      return undefined;
    }
    this.#caller.expectEnd(undefined);
    this.#consult.expectEnd(undefined);
    this.#caller.patch({ transferPending: false });
    this.#consult.patch({ transferPending: false });
    return this.#error(outcome.error);
  }

  async #endConference(): Promise<void> {
    const conference = this.#conference;
    this.#conference = undefined;
    await conference?.stop();
  }

  #error(error: string): string {
    this.#notes.callError = error;
    this.#hooks.changed();
    return error;
  }
}
