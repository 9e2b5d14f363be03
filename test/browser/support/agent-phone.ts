// A SipAgent's softphone in a new page of `context`, mounted on the test page
// and registered with the credentials the operator put in the agent's Secret.
import type { BrowserContext } from 'playwright-core';
import { decode, type Resources } from '../../support/resources.ts';
import { PhoneDriver } from './phone-driver.ts';
import { mountPhone, type PhonePageServer } from './phone-page.ts';

export async function agentPhone(
  r: Resources,
  context: BrowserContext,
  server: PhonePageServer,
  wsUrl: string,
  agent: string,
): Promise<PhoneDriver> {
  const secret = await r.secret(`${agent}-sip-credentials`);
  const d = new PhoneDriver(await context.newPage());
  await mountPhone(d.page, server, 'sb-softphone', {
    wsUrl,
    iceServers: [],
    iceGatheringTimeoutMs: 1000,
  });
  await d.register({
    username: decode(secret, 'username') ?? '',
    password: decode(secret, 'password') ?? '',
    extension: decode(secret, 'extension') ?? '',
  });
  await d.waitForStatus('registered');
  return d;
}

/** Types `typed` into the softphone's dial field the way a person would, and calls. */
export async function dialNumber(d: PhoneDriver, typed: string): Promise<void> {
  await d.locator('#dial').fill(typed);
  await d.locator('button.call').click();
}
