// A second line (call waiting): a call that arrives while the agent talks
// on the first one rings here instead of being refused. Asterisk only sends
// it when the agent's SipAgent has spec.callWaiting (operator
// render/dialplan.ts answers everyone else busy), so the browser shows
// whatever arrives. Answering holds the first call (Asterisk plays it music)
// and takes the second; Swap holds the one in use and resumes the other;
// Decline answers 486, which Asterisk turns into the busy tone and cause 17
// for the caller. The second call is a CallSession of its own with its own
// hold, so either call can end first and the other stays as it is.
import type { CallControls } from './call-controls.ts';
import type { CallSession } from './call-session.ts';
import type { CallNotes } from './call-view.ts';
import type { PhoneHooks } from './phone-timeline.ts';

export class WaitingLine {
  readonly #first: CallSession;
  readonly #firstControls: CallControls;
  readonly #second: CallSession;
  readonly #secondControls: CallControls;
  readonly #notes: CallNotes;
  readonly #hooks: PhoneHooks;

  constructor(
    first: { session: CallSession; controls: CallControls },
    second: { session: CallSession; controls: CallControls },
    notes: CallNotes,
    hooks: PhoneHooks,
  ) {
    this.#first = first.session;
    this.#firstControls = first.controls;
    this.#second = second.session;
    this.#secondControls = second.controls;
    this.#notes = notes;
    this.#hooks = hooks;
  }

  /** Holds the first call, then answers the waiting one. Resolves with the error shown, if any. */
  async answer(): Promise<string | undefined> {
    if (this.#second.view?.phase !== 'ringing') return this.#error('No call is waiting.');
    this.#hooks.mark('waiting-answer');
    if (this.#first.view?.phase === 'active' && !this.#first.view.held) {
      await this.#firstControls.setHold(true);
      if (!this.#first.view?.held) return this.#error('The first call could not be put on hold.');
    }
    await this.#second.answer();
    return this.#notes.callError;
  }

  /** Declines the waiting call: its caller hears busy. */
  async decline(): Promise<void> {
    this.#hooks.mark('waiting-decline');
    await this.#second.reject();
  }

  /** Holds the call in use and resumes the held one. Resolves with the error shown, if any. */
  async swap(): Promise<string | undefined> {
    const first = this.#first.view;
    const second = this.#second.view;
    if (!first && second?.phase === 'active' && second.held) {
      // the first call ended while this one was held: nothing to swap with
      await this.#secondControls.setHold(false);
      return this.#notes.callError;
    }
    if (first?.phase !== 'active' || second?.phase !== 'active') {
      return this.#error('Swapping needs two answered calls.');
    }
    const [hold, resume] = first.held
      ? [this.#secondControls, this.#firstControls]
      : [this.#firstControls, this.#secondControls];
    this.#hooks.mark('swap');
    // hold first: the agent is never heard on both calls at once
    await hold.setHold(true);
    await resume.setHold(false);
    this.#hooks.mark('swapped');
    return this.#notes.callError;
  }

  /** Ends the second call (the first stays as it is: held calls are resumed by the agent). */
  hangUp(): Promise<void> {
    return this.#second.hangUp('Call ended');
  }

  #error(error: string): string {
    this.#notes.callError = error;
    this.#hooks.changed();
    return error;
  }
}
