// <sb-softphone>: an agent's browser phone. Registers with the PBX over
// SIP/WebSocket, rings (audibly) on incoming calls, dials out, and controls
// the call: hold, mute, DTMF, transfer (blind or after a consultation),
// hang up, call timer, microphone choice.
// All SIP lives in SipPhoneController; this element only renders it.
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Disposition } from '../../../operator/src/crds/types.ts';
import type { AsteriskNotice, LineState } from '../api/types.ts';
import '../agentstate/sb-agent-state.ts';
import { type Recall, recallNotice } from '../sip/call-recall.ts';
import { formatCallDuration } from '../sip/call-timer.ts';
import { consultView } from '../sip/consult-view.ts';
import { credentialsProblem, type PhoneConfig } from '../sip/phone-config.ts';
import { STATUS_LABEL } from '../sip/registration-status.ts';
import { SipPhoneController } from '../sip/sip-phone-controller.ts';
import { waitingView } from '../sip/waiting-view.ts';
import type { DialPadKeyDetail } from './dial-pad.ts';
import './dial-pad.ts';
import './sb-call-note.ts';
import '../transfer/sb-transfer-panel.ts';
import {
  SUPERVISE_CODES,
  type SuperviseMode,
} from '../../../operator/src/asterisk/render/supervise-codes.ts';
import { microphoneHelp } from '../sip/media-help.ts';
import type { TransferDetail } from '../transfer/sb-transfer-panel.ts';
import { renderConsultLines } from './consult-lines.ts';
import { LINE_NOTICE, lineReaction, provisionedFor } from './line-change.ts';
import { LineWatch } from './line-watch.ts';
import {
  listMicrophones,
  type Microphone,
  type MicrophonePermission,
  microphonePermission,
  requestMicrophone,
} from './microphones.ts';
import { OutgoingCallNames } from './outgoing-call.ts';
import { phoneStyles } from './phone-styles.ts';
import { Ringer } from './ringer.ts';
import { renderWaitingLine } from './waiting-line.ts';

/**
 * While Asterisk still has the old credentials after a rotation, the old line
 * is asked this often whether Asterisk still takes it (a REGISTER: 401/404
 * once it dropped the old endpoint). The operator's event normally says
 * first; this covers a phone system the operator cannot watch.
 */
const OLD_LINE_CHECK_MS = 10_000;

/** Event `sb-line`: the line registered or not any more. */
export interface LineDetail {
  readonly registered: boolean;
}

export class SbSoftphone extends LitElement {
  static override properties = {
    config: { attribute: false },
    username: { type: String },
    extension: { type: String },
    lineEvents: { type: String, attribute: 'line-events' },
    directory: { type: String },
    _transferOpen: { state: true },
    _panelMode: { state: true },
    agentState: { type: Boolean, attribute: 'agent-state' },
    callNotes: { type: Boolean, attribute: 'call-notes' },
    dispositions: { attribute: false },
    _notice: { state: true },
    _maintenance: { state: true },
    _rotation: { state: true },
    _switchWhenReady: { state: true },
    _lineUsername: { state: true },
    _password: { state: true },
    _dial: { state: true },
    _formError: { state: true },
    _microphones: { state: true },
    _permission: { state: true },
    _now: { state: true },
  };

  static override styles = phoneStyles;

  declare config: PhoneConfig | undefined;
  declare username: string;
  declare extension: string;
  /** GET /softphone/events for a signed-in agent: news of its own line (rotation, suspension). */
  declare lineEvents: string | undefined;
  /** Where the transfer panel finds agents and queues by name (GET /softphone/directory). */
  declare directory: string | undefined;
  /** The transfer panel is open during the call. */
  declare _transferOpen: boolean;
  /** What the open panel's pick does: transfer at once, or call the colleague first. */
  declare _panelMode: 'transfer' | 'consult';
  /** A signed-in agent's page: show its queue state (Available / Paused / Signed out) and its controls. */
  declare agentState: boolean;
  /** A signed-in agent's page: the note form on its calls (PUT /softphone/calls/<linkedid>/note). */
  declare callNotes: boolean;
  /** The outcomes the note form offers (GET /softphone/config). */
  declare dispositions: readonly Disposition[];
  /** Why the line stopped or must change (rotation, suspension, deletion), until the agent registers again. */
  declare _notice: string | undefined;
  /** Asterisk is stopping gracefully (upgrade, restart): the operator's words, until it is back. */
  declare _maintenance: string | null;
  /** The credentials were rotated to this username and the phone has not switched to it yet. */
  declare _rotation: string | undefined;
  /** The agent gave the new password: register with it once Asterisk has the new endpoint. */
  declare _switchWhenReady: boolean;
  /** The username the running line registers with (the form's may be a newer one). */
  declare _lineUsername: string;
  declare _password: string;
  declare _dial: string;
  declare _formError: string | undefined;
  declare _microphones: Microphone[];
  declare _permission: MicrophonePermission;
  declare _now: number;

  /** The SIP phone (tests read its peer connection, stats and timeline). */
  readonly phone = new SipPhoneController(this, {
    register: true,
    refused: () => this.#onRefused(),
  });
  readonly ringer = new Ringer();
  /** Calls the agent places learn their linkedid from the API once answered (for the note form). */
  readonly #outgoing = new OutgoingCallNames((id, linkedid) => this.phone.nameCall(id, linkedid));
  readonly #line = new LineWatch(this, (prev, next) => this.#onLine(prev, next));
  /** The line's credentials stopped working during a call: what to do once the call ends. */
  #afterCall: (() => void) | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;
  #oldLineCheck: ReturnType<typeof setInterval> | undefined;
  // no focus jump on first render: the person starts at the username field
  #lastPhase = 'idle';
  #lastRegistered = false;

  constructor() {
    super();
    this.config = undefined;
    this.username = '';
    this.extension = '';
    this.lineEvents = undefined;
    this.directory = undefined;
    this._transferOpen = false;
    this._panelMode = 'transfer';
    this.agentState = false;
    this.callNotes = false;
    this.dispositions = [];
    this._notice = undefined;
    this._maintenance = null;
    // the same stream: Asterisk draining for an upgrade or a restart
    this.#line.on('asterisk', (data) => {
      this._maintenance = (data as AsteriskNotice).message;
    });
    this._rotation = undefined;
    this._switchWhenReady = false;
    this._lineUsername = '';
    this._password = '';
    this._dial = '';
    this._formError = undefined;
    this._microphones = [];
    this._permission = 'unknown';
    this._now = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.#unlockAudio);
    this.addEventListener('pointerdown', this.#unlockAudio);
    void this.#refreshMicrophones();
    navigator.mediaDevices?.addEventListener('devicechange', this.#onDeviceChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.#unlockAudio);
    this.removeEventListener('pointerdown', this.#unlockAudio);
    navigator.mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
    clearInterval(this.#tick);
    clearInterval(this.#oldLineCheck);
    this.#oldLineCheck = undefined;
    this.ringer.stop();
    this.#outgoing.stop();
  }

  readonly #onDeviceChange = () => void this.#refreshMicrophones();

  /**
   * The ring needs an AudioContext made in a user gesture, and the first one
   * of a page can block for hundreds of ms while the browser opens the audio
   * output: it is made at the agent's first touch of the phone (typing the
   * password), not in the Register click.
   */
  readonly #unlockAudio = () => {
    this.removeEventListener('keydown', this.#unlockAudio);
    this.removeEventListener('pointerdown', this.#unlockAudio);
    this.ringer.unlock();
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lineEvents')) this.#line.watch(this.lineEvents || undefined);
    // the next call starts with the call controls, not a stale transfer panel
    if (this.phone.call?.phase !== 'active') this._transferOpen = false;
  }

  #onLine(prev: LineState | undefined, next: LineState): void {
    const registered = this.phone.registration.status === 'registered';
    const r = lineReaction(prev, next, {
      username: this.username,
      registered,
      running: this.phone.started,
    });
    if (r.username !== undefined) this.username = r.username;
    if (r.extension !== undefined) this.extension = r.extension;
    if (r.clearPassword) {
      this._password = '';
      this._switchWhenReady = false;
    }
    if (r.notice) this._notice = r.notice;
    if (r.verify) this.phone.refreshRegistration();
    if (r.rotatedTo) this.#rotated(r.rotatedTo);
    if (this._rotation && provisionedFor(next, this._rotation)) this.#switchLines();
    else if (
      this._switchWhenReady &&
      provisionedFor(next, this.username) &&
      this.phone.registration.status === 'failed'
    )
      // the new credentials were refused before Asterisk had them: try them again now
      void this.#continueWithNew();
    if (!r.stopLine) return;
    this._rotation = undefined;
    this.#watchOldLine();
    // a call in progress goes on (Asterisk keeps it); the line stops when it ends
    if (this.phone.call) this.#afterCall = () => void this.phone.stop();
    else void this.phone.stop();
  }

  /**
   * Credentials rotated: the running line goes on with the old ones (Asterisk
   * still has them) and the agent may type the new password meanwhile.
   */
  #rotated(username: string): void {
    this._rotation = username;
    this.#watchOldLine();
  }

  /** The old line runs on old credentials (the form already shows the new username). */
  #oldLineRunning(): boolean {
    return this.phone.started && this._lineUsername !== this.username;
  }

  /** While the old line waits for the switch, ask Asterisk now and then whether it still takes it. */
  #watchOldLine(): void {
    const wanted = this._rotation !== undefined && this.#oldLineRunning();
    if (!wanted) {
      clearInterval(this.#oldLineCheck);
      this.#oldLineCheck = undefined;
      return;
    }
    this.#oldLineCheck ??= setInterval(() => {
      if (!this._rotation || !this.#oldLineRunning()) return this.#watchOldLine();
      // a REGISTER refused during a call would stop the line under the call
      if (!this.phone.call) this.phone.refreshRegistration();
    }, OLD_LINE_CHECK_MS);
  }

  /** The server refused the line: the old credentials, when Asterisk dropped them before we heard. */
  #onRefused(): void {
    if (this._rotation && this._lineUsername !== this.username) this.#switchLines();
  }

  /** Asterisk has the new credentials (or no longer the old ones): leave the old line. */
  #switchLines(): void {
    this._rotation = undefined;
    this.#watchOldLine();
    if (this.phone.call && this.#oldLineRunning()) {
      this.#afterCall = () => void this.#continueWithNew();
      return;
    }
    void this.#continueWithNew();
  }

  async #continueWithNew(): Promise<void> {
    // a line that failed (the old credentials, or the new ones tried too early) is stopped too
    if (this.#oldLineRunning() || this.phone.registration.status === 'failed')
      await this.phone.stop();
    if (this.phone.started) return; // already on the new credentials
    if (this._switchWhenReady && this._password) {
      this._notice = undefined;
      await this.#start();
    } else {
      this._notice = LINE_NOTICE.rotated;
      this.#focus('#password');
    }
  }

  async #refreshMicrophones(): Promise<void> {
    this._permission = await microphonePermission();
    this._microphones = await listMicrophones().catch(() => []);
  }

  async #allowMicrophone(): Promise<void> {
    const error = await requestMicrophone();
    this.phone.mediaError = error ? (microphoneHelp(error) ?? String(error)) : undefined;
    await this.#refreshMicrophones();
  }

  async #register(event: Event): Promise<void> {
    event.preventDefault();
    const problem = credentialsProblem({ username: this.username, password: this._password });
    this._formError = problem;
    if (problem || !this.config) {
      if (!this.config) this._formError = 'The WebRTC configuration has not loaded yet.';
      return;
    }
    if (this._rotation && this.#oldLineRunning()) {
      // Asterisk would refuse the new password for now (401): keep it for the switch
      this._switchWhenReady = true;
      this._notice = LINE_NOTICE.rotatedWaiting;
      return;
    }
    this._notice = undefined;
    await this.#start();
    // tried before Asterisk has the endpoint (just rotated or created): a
    // refusal now is tried again once the event says Asterisk has it
    this._switchWhenReady = this._rotation !== undefined || this.#line.line?.provisioned === false;
    // the form is gone now: keep keyboard users somewhere useful
    this.#focus(this.phone.started ? '#dial' : '#username');
  }

  /** Registers with what the form holds. */
  async #start(): Promise<void> {
    if (!this.config) return;
    this._switchWhenReady = false;
    this._lineUsername = this.username.trim();
    // the WebSocket is opened inside this call, before anything slow runs
    const starting = this.phone.start(this.config, {
      username: this._lineUsername,
      password: this._password,
      extension: this.extension.trim() || undefined,
    });
    // the click is a user gesture too (a password filled in by the browser
    // and no key pressed): then the AudioContext is made while the socket connects
    this.ringer.unlock();
    await starting;
  }

  async #unregister(): Promise<void> {
    // no old line to keep any more: the new password is all that is missing
    if (this._rotation) this._notice = LINE_NOTICE.rotated;
    await this.phone.stop();
  }

  /** A supervisor's listen/whisper/barge from the wallboard: *51/*52/*53 and the agent's extension. */
  async supervise(mode: SuperviseMode, extension: number): Promise<void> {
    this.ringer.unlock();
    await this.phone.dial(`${SUPERVISE_CODES[mode].prefix}${extension}`);
  }

  async #dialNow(event: Event): Promise<void> {
    event.preventDefault();
    this.ringer.unlock();
    await this.phone.dial(this._dial);
  }

  #onPadKey(event: CustomEvent<DialPadKeyDetail>): void {
    const { key } = event.detail;
    if (this.phone.call?.phase === 'active') this.phone.sendDtmf(key);
    else this._dial += key;
  }

  #onKeypadKeydown(event: KeyboardEvent): void {
    // typing digits while the keypad has focus sends them as DTMF
    if (/^[0-9*#]$/.test(event.key) && this.phone.call?.phase === 'active') {
      event.preventDefault();
      this.phone.sendDtmf(event.key);
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const registered = this.phone.registration.status === 'registered';
    if (registered !== this.#lastRegistered) {
      this.#lastRegistered = registered;
      // the shell shows the wallboard's Listen/Whisper/Barge only while the line is up
      this.dispatchEvent(
        new CustomEvent<LineDetail>('sb-line', {
          detail: { registered },
          bubbles: true,
          composed: true,
        }),
      );
    }
    const call = this.phone.call;
    this.#outgoing.update(this.callNotes ? call : undefined);
    const phase = call ? `${call.direction}:${call.phase}` : 'idle';
    if (phase === this.#lastPhase) return;
    // The agent's own history (sb-own-history) counts again once a call is over.
    if (phase === 'idle')
      this.dispatchEvent(new CustomEvent('sb-call-ended', { bubbles: true, composed: true }));
    this.#lastPhase = phase;
    if (phase === 'incoming:ringing') {
      this.ringer.start();
      this.#focus('button.answer');
    } else {
      this.ringer.stop();
    }
    if (call?.phase === 'active') {
      this.#tick ??= setInterval(() => {
        this._now = Date.now();
      }, 1000);
      this.#focus('button.hangup');
    } else {
      clearInterval(this.#tick);
      this.#tick = undefined;
      const after = phase === 'idle' ? this.#afterCall : undefined;
      if (after) {
        this.#afterCall = undefined;
        after();
        this.#focus('#password');
      } else if (phase === 'idle') this.#focus('#dial');
    }
  }

  #focus(selector: string): void {
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(selector)?.focus(),
    );
  }

  override render() {
    const reg = this.phone.registration;
    const busy = this.phone.started;
    return html`
      <section aria-labelledby="sp-title">
        <h2 id="sp-title">Softphone${this.extension ? html` · ext. ${this.extension}` : nothing}</h2>
        <p class="status" role="status" aria-live="polite" data-status=${reg.status}>
          <span class="dot" aria-hidden="true"></span>
          <span class="status-text">${STATUS_LABEL[reg.status]}</span>
        </p>
        ${reg.reason ? html`<p class="reason" id="reg-reason">${reg.reason}</p>` : nothing}
        ${this._notice ? html`<p class="error line-notice" role="alert">${this._notice}</p>` : nothing}
        ${this._maintenance ? html`<p class="maintenance" role="alert">${this._maintenance}</p>` : nothing}
        ${busy ? this.#renderSignedIn() : this.#renderForm()}
      </section>
      ${this.#renderWaiting()}${this.#renderCall()}${this.#renderNote()}
      ${this.agentState ? html`<sb-agent-state .events=${this.#line}></sb-agent-state>` : nothing}
      ${this.#renderMicrophone()}
    `;
  }

  /**
   * The note on the call in progress, or on the last one until the next call
   * starts; only calls whose linkedid is known (X-Switchboard-Call on calls
   * to the agent; asked of the API for calls it placed: outgoing-call.ts).
   */
  #renderNote() {
    if (!this.callNotes) return nothing;
    const call = this.phone.call;
    if (call && call.phase !== 'active') return nothing;
    const linkedid = call ? call.linkedid : this.phone.lastCall?.linkedid;
    if (!linkedid) return nothing;
    return html`<section aria-labelledby="note-title" class="note">
      <h3 id="note-title">${call ? 'Note on this call' : `Note on the call with ${this.phone.lastCall?.remoteName}`}</h3>
      <sb-call-note linkedid=${linkedid} .dispositions=${this.dispositions}></sb-call-note>
    </section>`;
  }

  #renderSignedIn() {
    return html`<div class="row signed-in">
        <p class="hint">
          Signed in as <strong>${this._lineUsername}</strong>${
            this.extension ? html` · extension <strong>${this.extension}</strong>` : nothing
          }
        </p>
        <button class="unregister" type="button" @click=${this.#unregister}>Unregister</button>
      </div>
      ${this._rotation && this.#oldLineRunning() ? this.#renderNewCredentials() : nothing}`;
  }

  /** The rotated credentials, typed while the old line still works. */
  #renderNewCredentials() {
    return html`<form class="new-credentials" @submit=${this.#register} novalidate>
      <label for="username">New SIP username</label>
      <input id="username" name="username" autocomplete="username" readonly .value=${this.username} />
      ${this.#passwordField('New SIP password')}
      ${this.#formError()}
      <div class="row">
        <button class="primary use-new" type="submit" ?disabled=${this._switchWhenReady}>
          ${this._switchWhenReady ? 'Waiting for the phone system…' : 'Use the new password'}
        </button>
      </div>
    </form>`;
  }

  /** The password input of both forms (a correction after "Use" still counts: the switch reads it then). */
  #passwordField(label: string) {
    return html`<label for="password">${label}</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="current-password"
        .value=${this._password}
        @input=${(e: Event) => {
          this._password = (e.target as HTMLInputElement).value;
        }}
      />`;
  }

  #formError() {
    return this._formError ? html`<p class="error" role="alert">${this._formError}</p>` : nothing;
  }

  #renderForm() {
    return html`<form @submit=${this.#register} novalidate>
          <label for="username">SIP username</label>
          <input
            id="username"
            name="username"
            autocomplete="username"
            .value=${this.username}
            @input=${(e: Event) => {
              this.username = (e.target as HTMLInputElement).value;
            }}
          />
          ${this.#passwordField('SIP password')}
          <label for="extension">Extension</label>
          <input
            id="extension"
            name="extension"
            inputmode="numeric"
            .value=${this.extension}
            @input=${(e: Event) => {
              this.extension = (e.target as HTMLInputElement).value;
            }}
          />
          ${this.#formError()}
          <div class="row">
            <button class="primary register" type="submit">Register</button>
          </div>
        </form>`;
  }

  #renderMicrophone() {
    const help = this.phone.mediaError;
    const denied = this._permission === 'denied';
    return html`<section aria-labelledby="mic-title">
      <h3 id="mic-title">Audio</h3>
      <label for="microphone">Microphone</label>
      <select
        id="microphone"
        @change=${(e: Event) =>
          this.phone.selectMicrophone((e.target as HTMLSelectElement).value || undefined)}
      >
        <option value="">Browser default</option>
        ${this._microphones.map(
          (m) =>
            html`<option value=${m.deviceId} ?selected=${m.deviceId === this.phone.microphoneId}>
              ${m.label}
            </option>`,
        )}
      </select>
      ${
        this._permission !== 'granted'
          ? html`<div class="row">
            <button type="button" class="allow-mic" @click=${this.#allowMicrophone}>
              Allow microphone
            </button>
          </div>`
          : nothing
      }
      ${
        help || denied
          ? html`<p class="error mic-help" role="alert">
            ${help ?? microphoneHelp(new DOMException('denied', 'NotAllowedError'))}
          </p>`
          : nothing
      }
    </section>`;
  }

  /** A citizen from the public page: no number to call back, maybe the page they came from. */
  #renderWebOrigin(call: { webPage?: string | undefined }) {
    return html`<p class="web-origin" data-testid="web-origin">
      <span class="web-badge">From the web</span>
      ${call.webPage ? html` · page: <span class="web-page">${call.webPage}</span>` : nothing}
    </p>`;
  }

  /** A caller back from a failed transfer to an outside number: which number and why (render/recall.ts). */
  #renderRecall(recall: Recall | undefined, id?: string) {
    return recall
      ? html`<p class="recall" id=${id ?? nothing} data-testid="recall">${recallNotice(recall)}</p>`
      : nothing;
  }

  #renderWaiting() {
    const view = waitingView(this.phone.call, this.phone.waitingCall);
    if (!view) return nothing;
    return renderWaitingLine(view, {
      answer: () => void this.phone.answerWaiting(),
      decline: () => void this.phone.declineWaiting(),
      swap: () => void this.phone.swapCalls(),
      hangUp: () => void this.phone.hangUpWaiting(),
    });
  }

  #renderCall() {
    const call = this.phone.call;
    const registered = this.phone.registration.status === 'registered';
    const consult = consultView(call, this.phone.consultCall, this.phone.inConference);
    if (consult.lines.length > 0) {
      return html`${renderConsultLines(consult, {
        complete: () => void this.phone.completeTransfer(),
        conference: () => void this.phone.conference(),
        back: () => void this.phone.backToCaller(),
      })}${this.#renderCallErrors()}`;
    }
    if (call?.phase === 'ringing') {
      return html`<section
        class="incoming"
        role="alertdialog"
        aria-labelledby="in-title"
        aria-describedby=${call.recall ? 'in-caller in-recall' : 'in-caller'}
      >
        <h3 id="in-title">Incoming call</h3>
        <p class="caller" id="in-caller">${call.remoteName}</p>
        ${call.fromWeb ? this.#renderWebOrigin(call) : call.remoteName !== call.remoteUser ? html`<p class="hint">${call.remoteUser}</p>` : nothing}
        ${this.#renderRecall(call.recall, 'in-recall')}
        <div class="row">
          <button class="answer" type="button" @click=${() => this.phone.answer()}>Answer</button>
          <button class="danger decline" type="button" @click=${() => this.phone.reject()}>
            Decline
          </button>
        </div>
        ${this.#renderCallErrors()}
      </section>`;
    }
    if (call) {
      const label =
        call.phase === 'dialing'
          ? 'Calling…'
          : call.held
            ? 'On hold'
            : call.muted
              ? 'Muted'
              : 'On call';
      return html`<section aria-labelledby="call-title" class="call" data-phase=${call.phase}>
        <h3 id="call-title">${label}</h3>
        <p class="caller">${call.remoteName}</p>
        ${call.fromWeb ? this.#renderWebOrigin(call) : nothing}
        ${this.#renderRecall(call.recall)}
        ${
          call.answeredAt
            ? html`<p class="timer" role="timer" aria-label="Call duration">
              ${formatCallDuration(this._now - call.answeredAt)}
            </p>`
            : nothing
        }
        <div class="row">
          <button
            class="hold"
            type="button"
            aria-pressed=${call.held ? 'true' : 'false'}
            ?disabled=${call.phase !== 'active' || call.holdPending}
            @click=${() => this.phone.setHold(!call.held)}
          >
            ${call.held ? 'Resume' : 'Hold'}
          </button>
          <button
            class="mute"
            type="button"
            aria-pressed=${call.muted ? 'true' : 'false'}
            ?disabled=${call.phase !== 'active'}
            @click=${() => this.phone.setMute(!call.muted)}
          >
            ${call.muted ? 'Unmute' : 'Mute'}
          </button>
          <button
            class="transfer"
            type="button"
            aria-expanded=${this._transferOpen && this._panelMode === 'transfer' ? 'true' : 'false'}
            ?disabled=${call.phase !== 'active' || call.transferPending}
            @click=${() => this.#togglePanel('transfer')}
          >
            Transfer
          </button>
          <button
            class="consult"
            type="button"
            aria-expanded=${this._transferOpen && this._panelMode === 'consult' ? 'true' : 'false'}
            aria-label="Consult a colleague first (attended transfer)"
            ?disabled=${!consult.canConsult}
            @click=${() => this.#togglePanel('consult')}
          >
            Consult
          </button>
          <button class="danger hangup" type="button" @click=${() => this.phone.hangUp()}>
            Hang up
          </button>
        </div>
        ${
          this._transferOpen && call.phase === 'active'
            ? html`<sb-transfer-panel
              directory-url=${this.directory ?? nothing}
              mode=${this._panelMode}
              ?pending=${call.transferPending}
              @sb-transfer=${this.#onTransfer}
              @sb-transfer-cancel=${() => {
                this._transferOpen = false;
              }}
            ></sb-transfer-panel>`
            : nothing
        }
        ${
          call.phase === 'active' && !this._transferOpen
            ? html`<h3 class="visually-hidden" id="dtmf-title">Keypad (DTMF)</h3>
              <sb-dial-pad
                class="dtmf"
                label="Keypad: send tones"
                @sb-key=${this.#onPadKey}
                @keydown=${this.#onKeypadKeydown}
              ></sb-dial-pad>
              <p class="hint" aria-live="polite">
                Tones sent: <span class="dtmf-played">${this.phone.dtmfPlayed || '—'}</span>
              </p>`
            : nothing
        }
        ${this.#renderCallErrors()}
      </section>`;
    }
    return html`<section aria-labelledby="dial-title">
      <h3 id="dial-title">Call</h3>
      <form @submit=${this.#dialNow} novalidate>
        <label for="dial">Extension or number</label>
        <input
          id="dial"
          inputmode="tel"
          autocomplete="off"
          .value=${this._dial}
          @input=${(e: Event) => {
            this._dial = (e.target as HTMLInputElement).value;
          }}
        />
        <sb-dial-pad @sb-key=${this.#onPadKey}></sb-dial-pad>
        <div class="row">
          <button class="primary call" type="submit" ?disabled=${!registered}>Call</button>
          <button
            type="button"
            class="backspace"
            aria-label="Delete last digit"
            @click=${() => {
              this._dial = this._dial.slice(0, -1);
            }}
          >
            ⌫
          </button>
        </div>
        ${registered ? nothing : html`<p class="hint">Register to make calls.</p>`}
      </form>
      ${
        this.phone.lastCall
          ? html`<p class="hint last-call" role="status">
            ${this.phone.lastCall.reason} · ${this.phone.lastCall.remoteName}
            ${
              this.phone.lastCall.durationMs !== undefined
                ? html` · ${formatCallDuration(this.phone.lastCall.durationMs)}`
                : nothing
            }
          </p>`
          : nothing
      }
      ${this.#renderCallErrors()}
    </section>`;
  }

  #togglePanel(mode: 'transfer' | 'consult'): void {
    this._transferOpen = !(this._transferOpen && this._panelMode === mode);
    this._panelMode = mode;
  }

  readonly #onTransfer = async (e: CustomEvent<TransferDetail>) => {
    const target = e.detail.target;
    if (this._panelMode === 'consult') {
      // the consultation view takes over at once; the panel is not needed after it
      this._transferOpen = false;
      await this.phone.consult(target);
      return;
    }
    const error = await this.phone.transfer(target);
    if (!error) this._transferOpen = false;
  };

  #renderCallErrors() {
    return this.phone.callError
      ? html`<p class="error call-error" role="alert">${this.phone.callError}</p>`
      : nothing;
  }
}

if (!customElements.get('sb-softphone')) customElements.define('sb-softphone', SbSoftphone);

declare global {
  interface HTMLElementTagNameMap {
    'sb-softphone': SbSoftphone;
  }
}
