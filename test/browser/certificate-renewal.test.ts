// Certificate renewal (issue 18) on the real Asterisk 22, the real operator and
// headless Chromium: the wss and DTLS certificate comes from a kubernetes.io/tls
// Secret, mounted into Asterisk's DTLS folder the way the kubelet updates a
// Secret volume (one `..data` swap). Renewing it must reach Asterisk without a
// restart and without touching a call in progress, and the operator must say
// which certificate Asterisk serves (status, Events, metrics).
import assert from 'node:assert/strict';
import { randomInt, X509Certificate } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { after, afterEach, before, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { parseCertificatePem } from '../../operator/src/certificates/certificate.ts';
import { servedCertificate } from '../../operator/src/certificates/served.ts';
import type { CertificateFacts, WebRTCConfig } from '../../operator/src/crds/types.ts';
import type { PhoneConfig } from '../../webui/src/sip/phone-config.ts';
import { type AmiObserver, addAmiObserver } from '../support/asterisk-observer.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { type RealAsterisk, startRealAsterisk } from '../support/real-asterisk.ts';
import { condition, decode, Resources } from '../support/resources.ts';
import { selfSignedCertificate, type TlsCertificate } from '../support/tls-certificate.ts';
import { waitFor, waitUntil } from '../support/wait.ts';
import { inboundAudio } from './support/audio-stats.ts';
import { audioGrows, connectCall, hangUpBoth, hangUpLeftovers } from './support/calls.ts';
import { launchChromium } from './support/chromium.ts';
import { PhoneDriver } from './support/phone-driver.ts';
import { mountPhone, type PhonePageServer, startPhonePageServer } from './support/phone-page.ts';

const SECRET = 'pbx-tls';

interface Agent {
  readonly name: string;
  readonly displayName: string;
  username: string;
  password: string;
  extension: string;
}

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let pbx: RealAsterisk;
let operator: OperatorProcess;
let server: PhonePageServer;
let browser: Browser;
let ami: AmiObserver;
/** Modules Asterisk reloaded, in order (AMI Reload events). */
const reloads: string[] = [];
let phoneConfig: PhoneConfig;
let expiring: TlsCertificate;
let renewed: TlsCertificate;
const contexts: BrowserContext[] = [];
const agents: Record<'ann' | 'bob', Agent> = {
  ann: { name: 'ann', displayName: 'Ann Agent', username: '', password: '', extension: '' },
  bob: { name: 'bob', displayName: 'Bob Agent', username: '', password: '', extension: '' },
};
let ann: PhoneDriver;
let bob: PhoneDriver;
/** WebSockets each page opened and saw closed: a renewal must close none. */
const sockets = new Map<PhoneDriver, { opened: number; closed: number }>();
const figures: Record<string, string> = {};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** The machine's own IPv4 address: the one Asterisk advertises as its ICE host candidate. */
function hasOwnAddress(): boolean {
  return Object.values(networkInterfaces()).some((l) =>
    (l ?? []).some((a) => a.family === 'IPv4' && !a.internal),
  );
}

function tlsSecret(c: TlsCertificate) {
  return {
    'tls.crt': Buffer.from(c.cert).toString('base64'),
    'tls.key': Buffer.from(c.key).toString('base64'),
  };
}

async function openPhone(): Promise<PhoneDriver> {
  const context = await browser.newContext({ viewport: { width: 390, height: 1100 } });
  contexts.push(context);
  const page = await context.newPage();
  const driver = new PhoneDriver(page);
  const count = { opened: 0, closed: 0 };
  sockets.set(driver, count);
  page.on('websocket', (ws) => {
    count.opened++;
    ws.on('close', () => count.closed++);
  });
  await mountPhone(page, server, 'sb-softphone', phoneConfig);
  return driver;
}

async function register(d: PhoneDriver, a: Agent) {
  await d.register(a);
  await d.waitForStatus('registered');
}

/**
 * The DTLS certificate Asterisk presented on this phone's media: the SDP's
 * a=fingerprint, which Chromium checks the peer's certificate against before
 * the DTLS state may be "connected", and the remote certificate itself from
 * getStats when Chromium reports it (it sometimes leaves it out when it is the
 * DTLS client).
 */
async function mediaCertificate(d: PhoneDriver, expected: CertificateFacts) {
  const read = () =>
    d.page.evaluate(async (tag) => {
      const el = document.querySelector(tag) as unknown as {
        phone: { peerConnection?: RTCPeerConnection };
      } | null;
      const pc = el?.phone.peerConnection;
      if (!pc) return undefined;
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const transport = stats.find((s) => s.type === 'transport');
      const remote = stats.find((s) => s.id === transport?.remoteCertificateId);
      return {
        sdp: /a=fingerprint:sha-256 (\S+)/.exec(pc.remoteDescription?.sdp ?? '')?.[1],
        dtlsState: transport?.dtlsState as string | undefined,
        base64: remote?.base64Certificate as string | undefined,
      };
    }, d.tag);
  const seen = await waitFor('DTLS connected', async () => {
    const r = await read();
    return r?.dtlsState === 'connected' ? r : undefined;
  });
  assert.equal(seen.sdp, expected.fingerprint, 'the a=fingerprint Asterisk offered');
  if (seen.base64) {
    const der = new X509Certificate(Buffer.from(seen.base64, 'base64'));
    assert.equal(der.fingerprint256, expected.fingerprint, 'the certificate DTLS presented');
    assert.equal(der.serialNumber, expected.serial);
  }
  return { inStats: seen.base64 !== undefined };
}

/** Asserts both phones' media run DTLS with `expected`; counts how often getStats showed the certificate. */
async function bothUse(expected: CertificateFacts, what: string) {
  const seen = await Promise.all([
    mediaCertificate(ann, expected),
    mediaCertificate(bob, expected),
  ]);
  figures[`${what}: remote certificate in getStats (ann, bob)`] = seen
    .map((s) => (s.inStats ? 'yes' : 'no (SDP fingerprint only)'))
    .join(', ');
}

const certificateCondition = (c: WebRTCConfig) => condition(c, 'CertificateServed');

async function metric(name: string): Promise<string | undefined> {
  const text = await operator.metrics();
  return new RegExp(`^${name}\\{namespace="${ns.name}"\\} (\\S+)$`, 'm').exec(text)?.[1];
}

async function events(reason: string) {
  return (await r.events()).filter((e) => e.reason === reason && e.regarding?.name === 'default');
}

before(async () => {
  assert.ok(hasOwnAddress(), 'a non-loopback IPv4 address: Asterisk offers no loopback candidates');
  ns = await createNamespace(cluster, 'certificate-renewal');
  r = new Resources(cluster, ns.name);
  [pbx, server, browser, expiring, renewed] = await Promise.all([
    startRealAsterisk(cluster, r, { tls: true }),
    startPhonePageServer(),
    // the certificates are self-signed: the wss handshake must not stop at them
    launchChromium({ args: ['--ignore-certificate-errors'] }),
    selfSignedCertificate({ days: 10, commonName: 'pbx-expiring.test' }),
    selfSignedCertificate({ days: 90, commonName: 'pbx-renewed.test' }),
  ]);
  const { dtlsDir, httpsPort, wssUrl } = pbx.asterisk;
  assert.ok(dtlsDir && httpsPort && wssUrl);
  await r.core.createNamespacedSecret({
    namespace: ns.name,
    body: { metadata: { name: SECRET }, type: 'kubernetes.io/tls', data: tlsSecret(expiring) },
  });
  // the kubelet mounts the Secret before the container starts
  pbx.mountCertificate(expiring);
  operator = await startOperator(cluster, ns.name, 'certificate-renewal', {
    ASTERISK_POLL_MS: '100',
    ASTERISK_DTLS_DIR: dtlsDir,
    ASTERISK_HTTPS_PORT: String(httpsPort),
    // the Secret is read at each check (not watched): often here, every minute by default
    CERTIFICATE_CHECK_MS: '500',
  });
  const portStart = 20_000 + randomInt(0, 120) * 100;
  await r.createConfig({
    ami: pbx.amiSpec,
    asteriskWsUrl: wssUrl,
    transports: { ws: false, wss: true },
    iceServers: {},
    rtp: { portStart, portEnd: portStart + 99 },
    dtlsCertificateSecret: { name: SECRET },
  });
  for (const a of Object.values(agents))
    await r.createAgent(a.name, { displayName: a.displayName });
  // a read-only AMI user that sees Reload events: which modules the renewal reloads
  const observer = addAmiObserver(pbx.asterisk, ['system']);
  await pbx.start();
  ami = await observer.connect();
  // typed by the client (the observer keeps untyped events only)
  ami.client.onEvent((e) => {
    if ('module' in e) reloads.push(e.module);
  });
  await waitUntil(
    'both agents Provisioned=True',
    async () => {
      const list = await r.agents();
      return list.length === 2 && list.every((a) => condition(a, 'Provisioned')?.status === 'True');
    },
    60_000,
    100,
  );
  for (const a of Object.values(agents)) {
    const secret = await r.secret(`${a.name}-sip-credentials`);
    a.username = decode(secret, 'username') ?? '';
    a.password = decode(secret, 'password') ?? '';
    a.extension = decode(secret, 'extension') ?? '';
  }
  phoneConfig = { wsUrl: wssUrl, iceServers: [], iceGatheringTimeoutMs: 1000 };
  [ann, bob] = await Promise.all([openPhone(), openPhone()]);
});

after(async () => {
  console.log('certificate renewal figures:', JSON.stringify(figures, null, 2));
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await ami?.stop();
  await operator?.stop();
  await pbx?.close();
  await ns?.cleanup();
});

// a failed test must not leave a call behind for the next one
afterEach(async (t) => {
  if (!(t as { passed?: boolean }).passed) await hangUpLeftovers([ann, bob]);
});

let first: CertificateFacts;
let second: CertificateFacts;

test('a certificate with 10 days left: status, ExpiringSoon, a warning Event and the metric', async () => {
  first = parseCertificatePem(expiring.cert);
  second = parseCertificatePem(renewed.cert);
  const config = await waitFor('status.certificate', async () => {
    const c = await r.config();
    return c.status?.certificate ? c : undefined;
  });
  assert.deepEqual(config.status?.certificate, first);
  // what the operator reports is what a TLS client gets from Asterisk
  assert.equal(
    (await servedCertificate('127.0.0.1', pbx.asterisk.httpsPort as number)).fingerprint,
    first.fingerprint,
  );
  const cond = certificateCondition(config);
  assert.equal(cond?.status, 'True');
  assert.equal(cond?.reason, 'ExpiringSoon');
  assert.equal(
    config.status?.conditions?.find((c) => c.type === 'CertificateServed')?.observedGeneration,
    config.metadata.generation,
  );
  assert.match(cond?.message ?? '', /9 days left|10 days left/);
  const warnings = await waitFor('a CertificateExpiring Event', async () => {
    const e = await events('CertificateExpiring');
    return e.length ? e : undefined;
  });
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]?.type, 'Warning');
  assert.match(warnings[0]?.note ?? '', new RegExp(`serial ${first.serial}`));
  assert.ok(!(warnings[0]?.note ?? '').includes('PRIVATE'), 'no key material in an Event');
  assert.equal(await metric('switchboard_certificate_expiring'), '1');
  assert.equal(
    Number(await metric('switchboard_certificate_not_after_timestamp_seconds')),
    Date.parse(first.notAfter) / 1000,
  );
});

test('a call over wss: Asterisk’s DTLS certificate is the Secret’s', async () => {
  await Promise.all([register(ann, agents.ann), register(bob, agents.bob)]);
  await connectCall(ann, bob, agents.bob.extension);
  await bothUse(first, '2. first call');
});

let reloadsBeforeRenewal = 0;

test('renewal during the call: the Secret first, then the mounted files; the call goes on', async () => {
  reloadsBeforeRenewal = reloads.length;
  const callWs = new Map([...sockets].map(([d, c]) => [d, { ...c }]));
  // cert-manager renews the Secret; the kubelet has not updated the mount yet
  await r.core.replaceNamespacedSecret({
    name: SECRET,
    namespace: ns.name,
    body: { metadata: { name: SECRET }, type: 'kubernetes.io/tls', data: tlsSecret(renewed) },
  });
  const pending = await waitFor('CertificateServed RenewalPending', async () => {
    const c = certificateCondition(await r.config());
    return c?.reason === 'RenewalPending' ? c : undefined;
  });
  assert.equal(pending.status, 'False');
  assert.match(
    pending.message,
    new RegExp(`holds serial ${second.serial}.*serves serial ${first.serial}`),
  );
  // reloads while the files are old change nothing
  assert.equal((await r.config()).status?.certificate?.serial, first.serial);

  let audio = await Promise.all([inboundAudio(ann), inboundAudio(bob)]);
  const swapped = performance.now();
  pbx.mountCertificate(renewed);
  const config = await waitFor(
    'status.certificate is the renewed one',
    async () => {
      const c = await r.config();
      return c.status?.certificate?.serial === second.serial ? c : undefined;
    },
    15_000,
    20,
  );
  figures['files updated → new certificate served and in status'] = ms(performance.now() - swapped);
  assert.equal(
    (await servedCertificate('127.0.0.1', pbx.asterisk.httpsPort as number)).fingerprint,
    second.fingerprint,
  );
  assert.deepEqual(config.status?.certificate, second);
  assert.equal(certificateCondition(config)?.reason, 'Served');
  assert.equal(certificateCondition(config)?.status, 'True');

  // the call in progress: audio keeps flowing both ways, on its first DTLS session
  for (let i = 0; i < 3; i++)
    audio = await Promise.all([
      audioGrows(ann, audio[0], 'ann still hears bob', 25),
      audioGrows(bob, audio[1], 'bob still hears ann', 25),
    ]);
  await bothUse(first, '3. the call in progress after the renewal');
  // and no WebSocket was dropped or opened again
  for (const [d, before] of callWs) assert.deepEqual(sockets.get(d), before);
  assert.deepEqual(
    [...sockets.values()].map((s) => s.closed),
    [0, 0],
  );
  assert.equal(await ann.status(), 'registered');

  const renewedEvents = await waitFor('a CertificateRenewed Event', async () => {
    const e = await events('CertificateRenewed');
    return e.length ? e : undefined;
  });
  assert.equal(renewedEvents[0]?.type, 'Normal');
  assert.match(
    renewedEvents[0]?.note ?? '',
    new RegExp(`serves serial ${second.serial}.*replacing serial ${first.serial}`),
  );
  assert.equal(await metric('switchboard_certificate_expiring'), '0');
  assert.equal(
    Number(await metric('switchboard_certificate_not_after_timestamp_seconds')),
    Date.parse(second.notAfter) / 1000,
  );
  assert.equal((await events('CertificateExpiring')).length, 1, 'no second expiry warning');
  // Asterisk was never restarted, and its log has no TLS or DTLS trouble
  assert.ok(pbx.asterisk.running);
  const problems = pbx.problems().filter((l) => /tls|dtls|ssl|certificate/i.test(l));
  assert.deepEqual(problems, []);
});

test('a new call after the renewal uses the renewed certificate for DTLS', async () => {
  await hangUpBoth(ann, bob);
  await connectCall(bob, ann, agents.ann.extension);
  await bothUse(second, '4. a new call');
  await hangUpBoth(bob, ann);
  assert.deepEqual(
    [...sockets.values()].map((s) => s.closed),
    [0, 0],
  );
  // the HTTP server's reload did it all: PJSIP (and its DTLS settings) was never reloaded
  const modules = reloads.slice(reloadsBeforeRenewal);
  figures['modules Asterisk reloaded from the Secret update to the new call'] =
    `${[...new Set(modules)].join(', ')} (${modules.length} reloads: one per 2 s check while pending)`;
  assert.ok(modules.includes('http'), `reloads: ${modules.join(', ')}`);
  assert.deepEqual(
    modules.filter((m) => m !== 'http'),
    [],
  );
});

test('a Secret whose key does not match its certificate is not loaded into Asterisk', async () => {
  const from = reloads.length;
  // hand-edited: the renewed certificate with the old key
  await r.core.replaceNamespacedSecret({
    name: SECRET,
    namespace: ns.name,
    body: {
      metadata: { name: SECRET },
      type: 'kubernetes.io/tls',
      data: tlsSecret({ cert: renewed.cert, key: expiring.key }),
    },
  });
  const problem = await waitFor('CertificateServed SecretProblem', async () => {
    const c = certificateCondition(await r.config());
    return c?.reason === 'SecretProblem' ? c : undefined;
  });
  assert.match(problem.message, /not the private key of the certificate in tls\.crt/);
  const warning = await waitFor('a CertificateSecretProblem Event', async () => {
    const e = await events('CertificateSecretProblem');
    return e.length ? e : undefined;
  });
  assert.equal(warning[0]?.type, 'Warning');
  // two more checks without a reload; wss still serves the renewed certificate
  const checks = async () =>
    Number(
      /^switchboard_workqueue_work_duration_seconds_count\{queue="certificate"\} (\S+)$/m.exec(
        await operator.metrics(),
      )?.[1] ?? 0,
    );
  const seen = await checks();
  await waitUntil('two more certificate checks', async () => (await checks()) >= seen + 2);
  assert.deepEqual(reloads.slice(from), []);
  assert.equal(
    (await servedCertificate('127.0.0.1', pbx.asterisk.httpsPort as number)).fingerprint,
    second.fingerprint,
  );
  // fixed: Served again, with nothing to reload
  await r.core.replaceNamespacedSecret({
    name: SECRET,
    namespace: ns.name,
    body: { metadata: { name: SECRET }, type: 'kubernetes.io/tls', data: tlsSecret(renewed) },
  });
  await waitUntil(
    'CertificateServed Served again',
    async () => certificateCondition(await r.config())?.reason === 'Served',
  );
  assert.deepEqual(reloads.slice(from), []);
});
