// A clock for ticking figures (waits, time in state): the host renders again
// once a second, on the second, while it is connected; no server message is
// needed for time to pass.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class ClockController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Date.now() at the last tick. */
  now = Date.now();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#schedule();
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    // on the second boundary, so every ticking figure turns at once
    this.#timer = setTimeout(
      () => {
        this.now = Date.now();
        this.#host.requestUpdate();
        this.#schedule();
      },
      1000 - (Date.now() % 1000),
    );
  }
}
