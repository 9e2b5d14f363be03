// A real Asterisk 22 for integration and browser tests: the cached source build
// run from a temp folder (scripts/lib/asterisk-process.ts), the AMI Secret the
// WebRTCConfig names, and the projector playing the kubelet (files readable by
// Asterisk's group only, as with fsGroup and defaultMode 0440). Asterisk starts
// once the first projection is there: its base configuration #includes the
// generated files and refuses to run without them, like the Pod would wait.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AsteriskProcess,
  createAsterisk,
  managerUserConf,
} from '../../scripts/lib/asterisk-process.ts';
import { AtomicWriter } from '../../scripts/lib/atomic-writer.ts';
import { type Projector, projectionComplete, startProjector } from '../../scripts/lib/projector.ts';
import type { TestCluster } from './cluster.ts';
import type { Resources } from './resources.ts';
import type { TlsCertificate } from './tls-certificate.ts';
import { waitUntil } from './wait.ts';

export const REAL_AMI_SECRET_NAME = 'asterisk-ami';

export interface RealAsterisk {
  readonly asterisk: AsteriskProcess;
  readonly projector: Projector;
  /** With `amiProjection`: projects the AMI Secret's manager_user.conf into <etc>/ami, as the chart mounts it. */
  readonly amiProjector: Projector | undefined;
  readonly dir: string;
  /** spec.ami of a WebRTCConfig that reaches this Asterisk. */
  readonly amiSpec: { host: string; port: number; secretName: string };
  /**
   * With `tls`: puts a certificate into the folder standing for the mounted
   * DTLS Secret, in one swap, as the kubelet updates a Secret volume.
   */
  mountCertificate(certificate: TlsCertificate): void;
  /** A WebRTCConfig spec for it: AMI, and browsers over ws:// on loopback. */
  readonly configSpec: {
    ami: { host: string; port: number; secretName: string };
    asteriskWsUrl: string;
    transports: { ws: boolean; wss: boolean };
  };
  /** Waits for the first projection, then starts Asterisk (fully booted). */
  start(): Promise<void>;
  /** Log lines at WARNING or ERROR since `from` (an offset into messages.log). */
  problems(from?: number): string[];
  close(): Promise<void>;
}

export async function startRealAsterisk(
  cluster: TestCluster,
  r: Resources,
  options: {
    env?: Readonly<Record<string, string>>;
    tls?: boolean;
    /** Project the AMI Secret too (a rotated password reaches Asterisk), after this delay. */
    amiProjection?: { delayMs: number };
  } = {},
): Promise<RealAsterisk> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-asterisk-'));
  const asterisk = await createAsterisk({
    dir,
    ...(options.env ? { env: options.env } : {}),
    ...(options.tls ? { tls: true } : {}),
  });
  const dtls =
    asterisk.dtlsDir === undefined
      ? undefined
      : new AtomicWriter(asterisk.dtlsDir, asterisk.runAs ? { group: asterisk.runAs.gid } : {});
  // The chart's AMI Secret: the operator's keys and Asterisk's file, in one object.
  await r.core.createNamespacedSecret({
    namespace: r.namespace,
    body: {
      metadata: { name: REAL_AMI_SECRET_NAME },
      stringData: { ...asterisk.ami, 'manager_user.conf': managerUserConf(asterisk.ami) },
    },
  });
  const project = (extra: Partial<Parameters<typeof startProjector>[0]> = {}) =>
    startProjector({
      kc: cluster.kc,
      namespace: r.namespace,
      dir: asterisk.etcDir,
      ...(asterisk.runAs ? { group: asterisk.runAs.gid } : {}),
      ...extra,
    });
  const projector = await project();
  const amiProjector = options.amiProjection
    ? await project({
        secret: { name: REAL_AMI_SECRET_NAME, into: 'ami', keys: ['manager_user.conf'] },
        delayMs: options.amiProjection.delayMs,
      })
    : undefined;
  return {
    asterisk,
    projector,
    amiProjector,
    dir,
    amiSpec: { host: '127.0.0.1', port: asterisk.amiPort, secretName: REAL_AMI_SECRET_NAME },
    mountCertificate(certificate) {
      if (!dtls) throw new Error('startRealAsterisk without tls: no DTLS folder');
      dtls.write(
        new Map([
          ['tls.crt', { content: certificate.cert, mode: 0o600 }],
          ['tls.key', { content: certificate.key, mode: 0o600 }],
        ]),
      );
    },
    configSpec: {
      ami: { host: '127.0.0.1', port: asterisk.amiPort, secretName: REAL_AMI_SECRET_NAME },
      asteriskWsUrl: asterisk.wsUrl,
      transports: { ws: true, wss: false },
    },
    async start() {
      await waitUntil(
        'the first complete projection of the generated configuration',
        () => projectionComplete(asterisk.etcDir),
        60_000,
      );
      if (amiProjector)
        await waitUntil('the AMI user projected', () => amiProjector.projections > 0, 60_000);
      await asterisk.start();
    },
    problems(from = 0) {
      return asterisk
        .log()
        .slice(from)
        .split('\n')
        .filter((l) => /\] (WARNING|ERROR)\[/.test(l));
    },
    async close() {
      await projector.stop();
      await amiProjector?.stop();
      await asterisk.stop();
      if (!process.env.SWITCHBOARD_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
}
