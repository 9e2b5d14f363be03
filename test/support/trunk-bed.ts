// What every SipTrunk test against the carrier Asterisk stands on: a
// namespace, our real Asterisk (not started: agents and trunks may be created
// first), the carrier Asterisk with our credentials in the Secret
// "carrier-credentials", the operator, a WebRTCConfig whose UDP and TCP SIP
// ports are free loopback ports, and Chromium with the softphone page.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { INCLUDE_DIR } from '../../operator/src/asterisk/render/layout.ts';
import { hangUpLeftovers } from '../browser/support/calls.ts';
import { launchChromium } from '../browser/support/chromium.ts';
import type { PhoneDriver } from '../browser/support/phone-driver.ts';
import { type PhonePageServer, startPhonePageServer } from '../browser/support/phone-page.ts';
import { freePort } from '../cluster/ports.ts';
import { type Carrier, freeUdpPort, startCarrier } from './carrier-asterisk.ts';
import { createNamespace, testCluster } from './cluster.ts';
import { type OperatorProcess, startOperator } from './operator-process.ts';
import { type RealAsterisk, startRealAsterisk } from './real-asterisk.ts';
import { condition, Resources } from './resources.ts';
import { waitUntil } from './wait.ts';

export const CARRIER_SECRET = 'carrier-credentials';

export interface TrunkBed {
  readonly r: Resources;
  readonly pbx: RealAsterisk;
  readonly carrier: Carrier;
  readonly operator: OperatorProcess;
  readonly server: PhonePageServer;
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** Our SIP ports (WebRTCConfig spec.transports.udp/tcp/tls). */
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly tlsPort: number;
  /** Starts our Asterisk and waits until these agents are Provisioned. */
  startPbx(agents: readonly string[]): Promise<void>;
  /** After a failed test: ends the phones' and the carrier's calls. */
  cleanUpCalls(phones: readonly (PhoneDriver | undefined)[]): Promise<void>;
  close(): Promise<void>;
}

export async function startTrunkBed(
  name: string,
  carrierOptions: Parameters<typeof startCarrier>[0] = {},
): Promise<TrunkBed> {
  const cluster = testCluster();
  const ns = await createNamespace(cluster, name);
  const r = new Resources(cluster, ns.name);
  const [pbx, carrier, server, browser, udpPort, tcpPort, tlsPort] = await Promise.all([
    startRealAsterisk(cluster, r),
    startCarrier(carrierOptions),
    startPhonePageServer(),
    launchChromium(),
    freeUdpPort(),
    freePort(),
    freePort(),
  ]);
  const operator = await startOperator(cluster, ns.name, name, {
    ASTERISK_POLL_MS: '100',
    // the carrier's Secret is not watched: read it again often
    REFERENCE_RECHECK_MS: '500',
    // where our Asterisk finds the generated files (a tls trunk's CA bundle)
    ASTERISK_GENERATED_DIR: join(pbx.asterisk.etcDir, INCLUDE_DIR),
  });
  const portStart = 20_000 + randomInt(0, 10) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: pbx.asterisk.wsUrl,
    transports: {
      ws: true,
      wss: false,
      udp: { port: udpPort },
      tcp: { port: tcpPort },
      tls: { port: tlsPort },
    },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
  });
  await r.core.createNamespacedSecret({
    namespace: r.namespace,
    body: { metadata: { name: CARRIER_SECRET }, stringData: { ...carrier.credentials } },
  });
  const context = await browser.newContext();
  return {
    r,
    pbx,
    carrier,
    operator,
    server,
    browser,
    context,
    udpPort,
    tcpPort,
    tlsPort,
    async startPbx(agents) {
      await pbx.start();
      for (const agent of agents)
        await waitUntil(
          `${agent} Provisioned=True`,
          async () => condition(await r.agent(agent), 'Provisioned')?.status === 'True',
          60_000,
          100,
        );
    },
    async cleanUpCalls(phones) {
      await hangUpLeftovers(phones);
      await carrier.hangUpAll().catch(() => undefined);
    },
    async close() {
      await context.close().catch(() => undefined);
      await browser.close();
      await server.close();
      await operator.stop();
      await carrier.close();
      await pbx.close();
      await ns.cleanup();
    },
  };
}
