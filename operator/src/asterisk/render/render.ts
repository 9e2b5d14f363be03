// Renders a namespace's Asterisk configuration into ConfigMaps and Secrets.
// Pure and deterministic: the same input, in any agent order, gives the same
// bytes; no clocks, no I/O. Layout and mount paths: LAYOUT.md.
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import { type AcceptedAgent, checkAgents, isQueueName } from './agents.ts';
import { dialplanMain, dialplanShard } from './dialplan.ts';
import { includeLine, MAIN_FILES, shardFiles, shardObjectName } from './layout.ts';
import { objectHash, withMarker } from './marker.ts';
import { pjsipAuth, pjsipEndpoints, pjsipMain } from './pjsip.ts';
import { queueNames, queuesMain, queuesShard } from './queues.ts';
import { rtpBody } from './rtp.ts';
import { SHARDS, shardOf } from './shards.ts';
import type { GeneratedObject, RenderInput } from './types.ts';

/**
 * Spec fields that end up verbatim in config text. The CRD enforces all of
 * them except that a queue may not be named "general" (queues.conf's settings
 * section); failing loudly beats writing a dialplan that queues into nothing.
 */
function assertRenderable(spec: WebRTCConfigSpec): void {
  const bad: string[] = [];
  if (!/^[0-9]{1,8}$/.test(spec.hotline.number)) bad.push('hotline.number must be digits');
  if (!isQueueName(spec.hotline.queue))
    bad.push('hotline.queue must be a queue name other than "general"');
  if (!Number.isInteger(spec.dialTimeoutSeconds) || spec.dialTimeoutSeconds < 1)
    bad.push('dialTimeoutSeconds must be a positive integer');
  if (!Number.isInteger(spec.rtp.portStart) || !Number.isInteger(spec.rtp.portEnd))
    bad.push('rtp ports must be integers');
  if (bad.length) throw new Error(`cannot render Asterisk configuration: ${bad.join('; ')}`);
}

function object(
  kind: GeneratedObject['kind'],
  name: string,
  bodies: Record<string, string>,
): GeneratedObject {
  const files: Record<string, string> = {};
  for (const [file, body] of Object.entries(bodies)) files[file] = withMarker(file, body);
  return { kind, name, files, hash: objectHash(files) };
}

function includes(file: (shard: number) => string): string {
  return SHARDS.map((i) => includeLine(file(i))).join('\n');
}

export function renderAsteriskConfig(input: RenderInput): GeneratedObject[] {
  const { config } = input;
  assertRenderable(config);
  const { accepted } = checkAgents(input.agents, config);
  const shards: AcceptedAgent[][] = SHARDS.map(() => []);
  for (const a of accepted) shards[shardOf(a.sipUsername)]?.push(a);

  // #include lines go last in every file: an included file starts with its own
  // category header, and nothing after an #include may rely on the category before it.
  const main = object('ConfigMap', config.generated.configMapName, {
    [MAIN_FILES.pjsip]: `\n${pjsipMain(config, input.dtlsCertPath)}\n${includes(
      (i) => shardFiles(i).endpoints,
    )}\n${includes((i) => shardFiles(i).auth)}\n`,
    [MAIN_FILES.extensions]: `\n${dialplanMain(config)}\n${includes((i) => shardFiles(i).dialplan)}\n`,
    [MAIN_FILES.queues]: `\n${queuesMain(queueNames(config, accepted))}\n${includes(
      (i) => shardFiles(i).members,
    )}\n`,
    [MAIN_FILES.rtp]: rtpBody(config),
  });

  const configMaps: GeneratedObject[] = [];
  const secrets: GeneratedObject[] = [];
  for (const i of SHARDS) {
    const agents = shards[i] ?? [];
    const f = shardFiles(i);
    configMaps.push(
      object('ConfigMap', shardObjectName(config.generated.configMapName, i), {
        [f.endpoints]: pjsipEndpoints(agents),
        [f.dialplan]: `\n${dialplanShard(i, agents)}`,
        [f.members]: queuesShard(agents),
      }),
    );
    secrets.push(
      object('Secret', shardObjectName(config.generated.secretName, i), {
        [f.auth]: pjsipAuth(agents),
      }),
    );
  }
  return [main, ...configMaps, ...secrets];
}
