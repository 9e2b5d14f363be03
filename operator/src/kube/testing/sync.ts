// Test helpers (unit and integration tests of kube/): hold work open from the
// test, and await conditions instead of sleeping.

/** A promise the test opens when it wants: holds a reconcile (or a fake request) in flight. */
export function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Polls `check` (every event-loop turn, then every few ms) until it holds. */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (let turn = 0; !check(); turn++) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => (turn < 50 ? setImmediate(resolve) : setTimeout(resolve, 2)));
  }
}
