// Calls between two softphones, asserted by their audio (getStats), shared by
// the browser tests that run against the real Asterisk.
import { waitUntil } from '../../support/wait.ts';
import { type InboundAudio, inboundAudio } from './audio-stats.ts';
import type { PhoneDriver } from './phone-driver.ts';

/** Before any call: no audio at all. */
export const NOTHING: InboundAudio = {
  packets: 0,
  bytes: 0,
  energy: 0,
  seconds: 0,
  codec: undefined,
};

/** Waits until a side received `packets` more audio packets and bytes than in `from`. */
export async function audioGrows(d: PhoneDriver, from: InboundAudio, what: string, packets = 10) {
  let now = from;
  await waitUntil(
    `${what}: ${packets} more audio packets`,
    async () => {
      now = await inboundAudio(d);
      return now.packets >= from.packets + packets && now.bytes > from.bytes;
    },
    10_000,
    5,
  );
  return now;
}

/** `caller` dials `extension`, `callee` answers, and audio flows both ways. */
export async function connectCall(
  caller: PhoneDriver,
  callee: PhoneDriver,
  extension: string,
  names: readonly [caller: string, callee: string] = ['the caller', 'the callee'],
) {
  await caller.locator('#dial').fill(extension);
  await caller.locator('button.call').click();
  await callee.waitForCall("call?.phase === 'ringing'");
  await callee.locator('button.answer').click();
  await Promise.all([
    audioGrows(caller, NOTHING, `${names[0]} hears ${names[1]}`),
    audioGrows(callee, NOTHING, `${names[1]} hears ${names[0]}`),
  ]);
}

export async function hangUpBoth(caller: PhoneDriver, callee: PhoneDriver) {
  await callee.locator('button.hangup').click();
  await Promise.all([
    caller.waitForCall('call === undefined'),
    callee.waitForCall('call === undefined'),
  ]);
}

/** After a failed test: ends any call the phones still have, so the next test starts clean. */
export async function hangUpLeftovers(phones: readonly (PhoneDriver | undefined)[]) {
  for (const d of phones) {
    if (!d || !(await d.call())) continue;
    await d.page.evaluate(() => document.querySelector('sb-softphone')?.phone.hangUp());
    await d.waitForCall('call === undefined').catch(() => undefined);
  }
}
