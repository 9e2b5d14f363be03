// Debian's Chromium, headless, driven by playwright-core (never a downloaded
// browser). Fake microphone and auto-granted media permission so WebRTC
// calls work without a person clicking "Allow".
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const BASE_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export async function launchChromium(
  opts: {
    args?: string[];
    /** base flags to leave out, e.g. the fake media UI to test a refused microphone */
    withoutArgs?: string[];
  } = {},
): Promise<Browser> {
  const base = BASE_ARGS.filter((a) => !opts.withoutArgs?.includes(a));
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...base, ...(opts.args ?? [])],
  });
}
