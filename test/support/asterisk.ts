// An Asterisk stand-in for integration tests: the AMI test server over a
// config directory (base config that #includes the generated files), the
// kubelet played by the projector, and the AMI Secret the WebRTCConfig names.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_INCLUDES } from '../../operator/src/asterisk/render/index.ts';
import { type Projector, startProjector } from '../../scripts/lib/projector.ts';
import { type AmiServer, startAmiServer } from '../ami-server/server.ts';
import type { TestCluster } from './cluster.ts';
import type { Resources } from './resources.ts';

export const AMI_USER = { username: 'switchboard', secret: 'c2b1f0e4a9d84f7c' } as const;
export const AMI_SECRET_NAME = 'asterisk-ami';

/** The base files of asterisk/ reduced to what loading the generated files needs. */
const BASE_FILES: Record<string, string> = {
  'pjsip.conf': `[global]\ntype=global\n\n${BASE_INCLUDES['pjsip.conf']}\n`,
  'extensions.conf': `[general]\nstatic=yes\nwriteprotect=yes\n\n${BASE_INCLUDES['extensions.conf']}\n`,
  'queues.conf': `[general]\npersistentmembers=yes\n\n${BASE_INCLUDES['queues.conf']}\n`,
  'rtp.conf': `${BASE_INCLUDES['rtp.conf']}\n`,
};

export interface TestAsterisk {
  readonly ami: AmiServer;
  readonly projector: Projector;
  readonly dir: string;
  /** spec.ami of a WebRTCConfig that reaches this Asterisk. */
  readonly amiSpec: { host: string; port: number; secretName: string };
  close(): Promise<void>;
}

export async function startTestAsterisk(
  cluster: TestCluster,
  r: Resources,
  options: { projectionDelayMs?: number; reloadMs?: number } = {},
): Promise<TestAsterisk> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-asterisk-'));
  for (const [file, text] of Object.entries(BASE_FILES)) writeFileSync(join(dir, file), text);
  await r.core.createNamespacedSecret({
    namespace: r.namespace,
    body: { metadata: { name: AMI_SECRET_NAME }, stringData: { ...AMI_USER } },
  });
  const ami = await startAmiServer({
    ...AMI_USER,
    // The chart's AMI user: integration tests fail wherever the deployed operator would.
    read: 'system,agent',
    write: 'system,agent',
    configDir: dir,
    ...(options.reloadMs === undefined ? {} : { reloadMs: options.reloadMs }),
  });
  const projector = await startProjector({
    kc: cluster.kc,
    namespace: r.namespace,
    dir,
    delayMs: options.projectionDelayMs ?? 0,
  });
  return {
    ami,
    projector,
    dir,
    amiSpec: { host: '127.0.0.1', port: ami.port, secretName: AMI_SECRET_NAME },
    async close() {
      await projector.stop();
      await ami.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
