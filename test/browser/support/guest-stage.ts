// Everything the guest-calling tests run against, for real: a namespace on
// the test control plane, a real Asterisk 22, the operator (serving /call and
// minting permissions), a WebRTCConfig with the given publicAccess, headless
// Chromium, an AMI observer that reads the guest gate's verdicts, and the
// agent "ann" registered from a softphone tab, whom the citizens reach.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { Browser, BrowserContext } from 'playwright-core';
import type { PublicAccessSpec } from '../../../operator/src/crds/types.ts';
import type { PhoneConfig } from '../../../webui/src/sip/phone-config.ts';
import { type AmiObserver, addAmiObserver } from '../../support/asterisk-observer.ts';
import { createNamespace, testCluster } from '../../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../../support/operator-process.ts';
import { type RealAsterisk, startRealAsterisk } from '../../support/real-asterisk.ts';
import { condition, decode, Resources } from '../../support/resources.ts';
import { waitUntil } from '../../support/wait.ts';
import { launchChromium } from './chromium.ts';
import { gateVerdicts } from './guest-page.ts';
import { PhoneDriver } from './phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './phone-page.ts';
import { bundleWebUi } from './webui-bundle.ts';

export interface AgentLine {
  readonly username: string;
  readonly password: string;
  readonly extension: string;
}

export interface GuestStage {
  readonly r: Resources;
  readonly pbx: RealAsterisk;
  readonly operator: OperatorProcess;
  readonly server: PhonePageServer;
  readonly browser: Browser;
  readonly ami: AmiObserver;
  readonly gate: ReturnType<typeof gateVerdicts>;
  /** The agent's softphone and line. */
  readonly ann: PhoneDriver;
  readonly line: AgentLine;
  /** Browser contexts to close at the end (tests push theirs). */
  readonly contexts: BrowserContext[];
  close(): Promise<void>;
}

/** Asterisk never offers loopback candidates: media runs on the machine's own address. */
function hasOwnAddress(): boolean {
  return Object.values(networkInterfaces()).some((l) =>
    (l ?? []).some((a) => a.family === 'IPv4' && !a.internal),
  );
}

export async function startGuestStage(options: {
  /** Namespace prefix and operator identity. */
  name: string;
  publicAccess: PublicAccessSpec;
  /** Extra operator environment. */
  env?: Record<string, string>;
  /** AMI event classes the observer reads. */
  amiClasses?: readonly string[];
}): Promise<GuestStage> {
  assert.ok(hasOwnAddress(), 'no non-loopback IPv4 address: Asterisk would offer no candidate');
  const cluster = testCluster();
  const ns = await createNamespace(cluster, options.name);
  const r = new Resources(cluster, ns.name);
  const contexts: BrowserContext[] = [];
  const started: {
    -readonly [K in keyof GuestStage]?: GuestStage[K];
  } = { r, contexts };
  const close = async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await started.browser?.close();
    await started.server?.close();
    await started.ami?.stop();
    await started.operator?.stop();
    await started.pbx?.close();
    await ns.cleanup();
  };
  try {
    const [pbx, server, browser, webuiDir] = await Promise.all([
      startRealAsterisk(cluster, r),
      startPhonePageServer(),
      launchChromium(),
      bundleWebUi(),
    ]);
    Object.assign(started, { pbx, server, browser });
    const observer = addAmiObserver(pbx.asterisk, options.amiClasses ?? ['call', 'agent', 'user']);
    const operator = await startOperator(cluster, ns.name, options.name, {
      ASTERISK_POLL_MS: '100',
      WEBUI_DIR: webuiDir,
      ...options.env,
    });
    started.operator = operator;
    const portStart = 20_000 + randomInt(0, 120) * 100;
    await r.createConfig({
      ami: pbx.amiSpec,
      asteriskWsUrl: pbx.asterisk.wsUrl,
      transports: { ws: true, wss: false },
      iceServers: {},
      rtp: { portStart, portEnd: portStart + 99 },
      publicAccess: options.publicAccess,
    });
    await r.createAgent('ann', { displayName: 'Ann Agent' });
    await pbx.start();
    const ami = await observer.connect();
    started.ami = ami;
    await waitUntil(
      'ann Provisioned=True',
      async () => condition(await r.agent('ann'), 'Provisioned')?.status === 'True',
      60_000,
      100,
    );
    const secret = await r.secret('ann-sip-credentials');
    const line = {
      username: decode(secret, 'username') ?? '',
      password: decode(secret, 'password') ?? '',
      extension: decode(secret, 'extension') ?? '',
    };
    const phoneConfig: PhoneConfig = {
      wsUrl: pbx.asterisk.wsUrl,
      iceServers: [],
      iceGatheringTimeoutMs: 1000,
    };
    const context = await browser.newContext({ viewport: { width: 390, height: 1100 } });
    contexts.push(context);
    const ann = new PhoneDriver(await context.newPage());
    await mountPhone(ann.page, server, 'sb-softphone', phoneConfig);
    await ann.register(line);
    await ann.waitForStatus('registered');
    return {
      r,
      pbx,
      operator,
      server,
      browser,
      ami,
      gate: gateVerdicts(ami),
      ann,
      line,
      contexts,
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
