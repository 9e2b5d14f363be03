// The public page's phone: a ReactiveController that owns one SIP.js
// UserAgent per call. Each call first asks the API for a single-use
// permission (POST /public/guest-calls: token, guest SIP identity, WebSocket
// URL, ICE servers), connects as the shared guest endpoint without
// registering, and sends the INVITE with the token in a SIP header; Asterisk
// checks the token itself (operator render/guests.ts). Nothing survives the
// call: a new call gets a new permission and a new connection.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Inviter, type Session, SessionState, UserAgent } from 'sip.js';
import type { SessionDescriptionHandler } from 'sip.js/lib/platform/web/session-description-handler/session-description-handler.js';
import { CallAudio } from '../sip/call-audio.ts';
import { onTonePlayed, sendTone, telephoneEventsAtCodecRate } from '../sip/dtmf.ts';
import { microphoneHelp } from '../sip/media-help.ts';
import { sipDomain } from '../sip/phone-config.ts';
import { userAgentOptions } from '../sip/user-agent-options.ts';
import { keypadTone } from './guest-keys.ts';
import { type GuestPhase, mintRefusalText, refusalText } from './guest-status.ts';

/** POST /public/guest-calls's answer. */
export interface GuestPermission {
  readonly token: string;
  readonly header: string;
  readonly expiresAt: string;
  readonly wsUrl: string;
  readonly iceServers: RTCIceServer[];
  readonly sip: { readonly username: string; readonly password: string };
  readonly numbers: readonly string[];
}

export interface GuestTimelineEntry {
  readonly event: 'click' | 'permission' | 'connected-ws' | 'invite' | 'established' | 'ended';
  readonly at: number;
}

export class GuestCallController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #audio = new CallAudio();
  /** API base ('' = this page's origin). */
  apiBase = '';
  /** The page the citizen calls from, when the embedding site names it; read at each call (a title may change). */
  pageLabel: () => string | undefined = () => undefined;
  phase: GuestPhase = 'loading';
  /** Why the last call failed or ended, in words. */
  message: string | undefined;
  numbers: readonly string[] = [];
  muted = false;
  /** When the call was answered (Date.now()), for the call timer. */
  connectedAt: number | undefined;
  /** The DTMF tones the browser actually played into this call (IVR choices). */
  tonesSent = '';
  readonly timeline: GuestTimelineEntry[] = [];
  #ua: UserAgent | undefined;
  #session: Session | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    void this.#loadAccess();
  }

  hostDisconnected(): void {
    void this.hangUp();
  }

  /** The call's peer connection (tests read getStats from it). */
  get peerConnection(): RTCPeerConnection | undefined {
    const sdh = this.#session?.sessionDescriptionHandler as SessionDescriptionHandler | undefined;
    return sdh?.peerConnection;
  }

  get inCall(): boolean {
    return this.phase === 'requesting' || this.phase === 'calling' || this.phase === 'connected';
  }

  async #loadAccess(): Promise<void> {
    try {
      const res = await fetch(`${this.apiBase}/public/guest-access`, { cache: 'no-store' });
      const body = (await res.json()) as {
        enabled?: boolean;
        numbers?: string[];
        message?: string;
      };
      this.numbers = body.numbers ?? [];
      this.#set(body.enabled ? 'ready' : 'closed', body.enabled ? undefined : body.message);
    } catch {
      this.#set('closed', 'The call service cannot be reached. Check your connection.');
    }
  }

  /** Calls `number` (default: the first public number). */
  async call(number?: string): Promise<void> {
    if (this.inCall) return;
    this.muted = false;
    this.connectedAt = undefined;
    this.tonesSent = '';
    this.#mark('click');
    this.#set('requesting');
    let permission: GuestPermission;
    try {
      permission = await this.#permission();
    } catch (err) {
      this.#set('failed', err instanceof Error ? err.message : String(err));
      return;
    }
    this.#mark('permission');
    const target = number ?? permission.numbers[0];
    if (!target) {
      this.#set('failed', 'There is no number to call.');
      return;
    }
    const config = { wsUrl: permission.wsUrl, iceServers: permission.iceServers };
    const domain = sipDomain(config);
    const ua = new UserAgent({
      ...userAgentOptions(
        { ...config, iceGatheringTimeoutMs: 1000 },
        { ...permission.sip, displayName: 'Web caller' },
      ),
      uri: UserAgent.makeURI(`sip:${permission.sip.username}@${domain}`),
      userAgentString: 'Switchboard public call page (SIP.js)',
    });
    this.#ua = ua;
    try {
      await ua.start();
    } catch {
      this.#set('failed', 'The call service cannot be reached. Check your connection.');
      await this.#stop();
      return;
    }
    this.#mark('connected-ws');
    const uri = UserAgent.makeURI(`sip:${target}@${domain}`);
    if (!uri) {
      this.#set('failed', 'This number cannot be called.');
      await this.#stop();
      return;
    }
    const inviter = new Inviter(ua, uri, {
      extraHeaders: [`${permission.header}: ${permission.token}`],
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
      // RFC 4733 events only at the codec's clock rate (dtmf.ts says why)
      sessionDescriptionHandlerModifiers: [
        async (d) => ({ type: d.type, sdp: telephoneEventsAtCodecRate(d.sdp ?? '') }),
      ],
    });
    this.#session = inviter;
    inviter.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        this.#mark('established');
        this.connectedAt = Date.now();
        const sdh = inviter.sessionDescriptionHandler as SessionDescriptionHandler;
        this.#audio.attach(sdh, () => void this.hangUp());
        onTonePlayed(sdh.peerConnection, (tone) => {
          if (this.#session !== inviter) return;
          this.tonesSent += tone;
          this.#host.requestUpdate();
        });
        this.#set('connected');
      } else if (state === SessionState.Terminated) {
        this.#mark('ended');
        this.#audio.detach();
        this.#session = undefined;
        void this.#stop();
        // a refusal (onReject, which SIP.js may call before or after this) keeps its words
        if (this.phase !== 'failed') this.#set('ended');
      }
    });
    this.#set('calling');
    this.#mark('invite');
    try {
      await inviter.invite({
        requestDelegate: {
          onReject: ({ message }) => {
            this.#set('failed', refusalText(message.statusCode ?? 0, message.getHeader('Reason')));
          },
        },
      });
    } catch (err) {
      this.#session = undefined;
      await this.#stop();
      this.#set('failed', microphoneHelp(err) ?? 'The call could not be started.');
    }
  }

  async hangUp(): Promise<void> {
    const s = this.#session;
    if (s) {
      if (s.state === SessionState.Established) await s.bye().catch(() => undefined);
      else if (s instanceof Inviter) await s.cancel().catch(() => undefined);
    } else await this.#stop();
  }

  toggleMute(): void {
    const pc = this.peerConnection;
    if (!pc) return;
    this.muted = !this.muted;
    for (const sender of pc.getSenders())
      if (sender.track?.kind === 'audio') sender.track.enabled = !this.muted;
    this.#host.requestUpdate();
  }

  /** Sends one DTMF tone (0-9, *, #) into the answered call; false when there is none. */
  sendDtmf(tone: string): boolean {
    const session = this.#session;
    if (!session || this.phase !== 'connected' || !keypadTone(tone)) return false;
    sendTone(session, this.peerConnection, tone);
    return true;
  }

  async #permission(): Promise<GuestPermission> {
    const pageLabel = this.pageLabel();
    let res: Response;
    try {
      res = await fetch(`${this.apiBase}/public/guest-calls`, {
        method: 'POST',
        ...(pageLabel
          ? {
              headers: { accept: 'application/json', 'content-type': 'application/json' },
              body: JSON.stringify({ pageLabel }),
            }
          : { headers: { accept: 'application/json' } }),
        cache: 'no-store',
      });
    } catch {
      throw new Error('The call service cannot be reached. Check your connection.');
    }
    const body = (await res.json().catch(() => ({}))) as Partial<GuestPermission> & {
      message?: string;
    };
    if (!res.ok) throw new Error(mintRefusalText(res.status, body.message));
    return body as GuestPermission;
  }

  async #stop(): Promise<void> {
    const ua = this.#ua;
    this.#ua = undefined;
    await ua?.stop().catch(() => undefined);
  }

  #mark(event: GuestTimelineEntry['event']): void {
    this.timeline.push({ event, at: performance.now() });
  }

  #set(phase: GuestPhase, message?: string): void {
    this.phase = phase;
    this.message = message;
    this.#host.requestUpdate();
  }
}
