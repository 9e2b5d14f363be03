/** Polls a condition until it holds (tests await conditions, never fixed sleeps). */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls until `find` returns something, and returns it. */
export async function waitFor<T>(
  what: string,
  find: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  let found: T | undefined;
  await waitUntil(
    what,
    async () => {
      found = await find();
      return found !== undefined;
    },
    timeoutMs,
    intervalMs,
  );
  return found as T;
}
