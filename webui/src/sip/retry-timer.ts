// One pending retry at most: a second failure while a retry waits must not
// schedule another (nor speed up the backoff).
export class RetryTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;

  get pending(): boolean {
    return this.#timer !== undefined;
  }

  /** Runs `run` after delayMs unless a retry is already pending or it is cancelled first. */
  schedule(delayMs: number, run: () => void): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      run();
    }, delayMs);
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
