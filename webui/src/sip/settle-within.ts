// Waits for a promise, but no longer than a deadline: for best-effort SIP
// transactions (un-REGISTER, stopping the user agent) whose answer may never
// come over a dead socket. Their outcome, failure included, does not matter.
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
