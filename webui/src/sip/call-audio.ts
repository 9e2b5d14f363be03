// The far end's audio: played through one <audio> element reused call after
// call, with a watch on the peer connection so that media which cannot
// recover ends the call.
import type { SessionDescriptionHandler } from 'sip.js/lib/platform/web/session-description-handler/session-description-handler.js';

export class CallAudio {
  #element: HTMLAudioElement | undefined;
  /** The handler playing now: early media and the answer attach the same one twice. */
  #attached: SessionDescriptionHandler | undefined;

  /** Plays the call's remote stream; onFailed runs when its connection fails for good. */
  attach(sdh: SessionDescriptionHandler, onFailed: () => void): void {
    if (this.#attached === sdh) return;
    this.#attached = sdh;
    this.#element ??= new Audio();
    this.#element.autoplay = true;
    this.#element.srcObject = sdh.remoteMediaStream;
    this.#element.play().catch(() => undefined);
    // otherwise a BYE that could not reach us (e.g. sent down a dropped
    // WebSocket) leaves a silent call forever
    sdh.peerConnection?.addEventListener('connectionstatechange', () => {
      if (sdh.peerConnection?.connectionState === 'failed') onFailed();
    });
  }

  detach(): void {
    this.#attached = undefined;
    if (this.#element) this.#element.srcObject = null;
  }
}
