// Renders a namespace's Asterisk configuration into ConfigMaps and Secrets.
// Pure and deterministic: the same input, in any agent order, gives the same
// bytes; no clocks, no I/O. Layout and mount paths: LAYOUT.md.
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import { type AcceptedAgent, checkAgents, isQueueName } from './agents.ts';
import { dialplanMain, dialplanShard } from './dialplan.ts';
import { GUEST_ENDPOINT, renderGuests } from './guests.ts';
import { includeLine, MAIN_FILES, shardFiles, shardObjectName } from './layout.ts';
import { objectHash, sha256, withMarker } from './marker.ts';
import { dialplanOutbound, OUTBOUND_CONTEXT, outboundProblems, outboundTrunk } from './outbound.ts';
import { pjsipAuth, pjsipEndpoints, pjsipMain } from './pjsip.ts';
import { queueNames, queuesMain } from './queues.ts';
import { dialplanRecall } from './recall.ts';
import { recordingInUse } from './recording.ts';
import { queueRoutes } from './routes.ts';
import { rtpBody } from './rtp.ts';
import { SHARDS, shardOf } from './shards.ts';
import {
  assertTrunksRenderable,
  dialplanTrunks,
  pjsipTrunkAuth,
  pjsipTrunks,
  TRANSPORT_TLS,
  TRUNK_CA_FILE,
  trunkCaBundle,
  trunkId,
} from './trunks.ts';
import type { GeneratedObject, RenderInput, RenderQueue, RenderTrunk } from './types.ts';

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

/** The CRD enforces these too; a name or number in config text must never carry syntax. */
function assertQueuesRenderable(queues: readonly RenderQueue[]): void {
  const bad: string[] = [];
  const seen = new Set<string>();
  for (const q of queues) {
    if (!isQueueName(q.name) || seen.has(q.name))
      bad.push(`queue "${q.name}" is not a valid, unique queue name`);
    seen.add(q.name);
    for (const n of q.numbers)
      if (!/^[0-9]{1,8}$/.test(n)) bad.push(`queue ${q.name}: number must be digits`);
    const o = q.settings.overflow;
    if (o?.queue !== undefined && !isQueueName(o.queue))
      bad.push(`queue ${q.name}: bad overflow queue`);
    if (o?.extension !== undefined && !Number.isSafeInteger(o.extension))
      bad.push(`queue ${q.name}: bad overflow extension`);
    if (o?.hangupCause !== undefined && !Number.isSafeInteger(o.hangupCause))
      bad.push(`queue ${q.name}: bad overflow hangup cause`);
    for (const m of q.members)
      if (!Number.isSafeInteger(m.penalty) || m.penalty < 0)
        bad.push(`queue ${q.name}: bad penalty`);
  }
  if (bad.length) throw new Error(`cannot render Asterisk configuration: ${bad.join('; ')}`);
}

function object(
  kind: GeneratedObject['kind'],
  name: string,
  bodies: Record<string, string>,
): GeneratedObject {
  const files: Record<string, string> = {};
  // A PEM file is read by no config parser: it carries no marker (see TRUNK_CA_FILE).
  for (const [file, body] of Object.entries(bodies))
    files[file] = file.endsWith('.pem') ? body : withMarker(file, body);
  return { kind, name, files, hash: objectHash(files) };
}

function includes(file: (shard: number) => string): string {
  return SHARDS.map((i) => includeLine(file(i))).join('\n');
}

export function renderAsteriskConfig(input: RenderInput): GeneratedObject[] {
  const { config } = input;
  const queues = input.queues ?? [];
  const trunks = input.trunks ?? [];
  assertRenderable(config);
  assertQueuesRenderable(queues);
  assertTrunksRenderable(trunks);
  const outbound = outboundTrunk(trunks)?.outbound;
  const outboundBad = outbound ? outboundProblems(outbound) : [];
  if (outboundBad.length)
    throw new Error(`cannot render Asterisk configuration: ${outboundBad.join('; ')}`);
  const routes = queueRoutes(config, queues);
  // All '' unless spec.publicAccess is enabled (guests.ts).
  const guests = renderGuests(
    config,
    routes,
    input.guestPassword,
    recordingInUse(input.agents, queues),
  );
  const guestShard = shardOf(GUEST_ENDPOINT);
  const checked = checkAgents(input.agents, config, queues).accepted;
  const recorded = recordingInUse(checked, queues);
  const accepted = recorded ? checked.map((a) => ({ ...a, recorded: true })) : checked;
  const shards: AcceptedAgent[][] = SHARDS.map(() => []);
  for (const a of accepted) shards[shardOf(a.sipUsername)]?.push(a);
  // A trunk's password goes into the Secret shard of its id, beside the agents' ones.
  const trunkShards: RenderTrunk[][] = SHARDS.map(() => []);
  for (const t of trunks) trunkShards[shardOf(trunkId(t.name))]?.push(t);
  // Both '' without trunks: the files are then exactly what they were before trunks existed.
  const trunkPjsip = pjsipTrunks(config.transports, trunks, {
    ...(input.dtlsCertPath !== undefined ? { dtlsCertPath: input.dtlsCertPath } : {}),
    ...(input.generatedDir !== undefined ? { generatedDir: input.generatedDir } : {}),
  });
  // '' without tls trunks: no file, and the shard renders as before.
  const caBundle = trunkCaBundle(trunks);
  const caShard = shardOf(TRANSPORT_TLS);
  const trunkDialplan = [
    dialplanTrunks(config, trunks, accepted, queues, routes),
    dialplanOutbound(trunks, config.dialTimeoutSeconds),
    // only the outbound contexts jump there; the agent's phone rings as long as for a call to it
    outbound ? dialplanRecall(config.dialTimeoutSeconds) : '',
  ]
    .filter((x) => x !== '')
    .join('\n');

  // #include lines go last in every file: an included file starts with its own
  // category header, and nothing after an #include may rely on the category before it.
  const main = object('ConfigMap', config.generated.configMapName, {
    [MAIN_FILES.pjsip]: `\n${pjsipMain(config, input.dtlsCertPath, outbound?.allAgents ?? false)}\n${
      trunkPjsip && `${trunkPjsip}\n`
    }${guests.pjsip && `${guests.pjsip}\n`}${includes((i) => shardFiles(i).endpoints)}\n${includes((i) => shardFiles(i).auth)}\n`,
    [MAIN_FILES.extensions]: `\n${dialplanMain(config, routes, outbound && OUTBOUND_CONTEXT)}\n${
      trunkDialplan && `${trunkDialplan}\n`
    }${guests.dialplan && `${guests.dialplan}\n`}${includes((i) => shardFiles(i).dialplan)}\n`,
    // Members are not configuration: the operator adds them over AMI (agentstate/).
    [MAIN_FILES.queues]: `\n${queuesMain(queueNames(config, accepted, queues), queues)}\n`,
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
      }),
    );
    const withCa = i === caShard && caBundle !== '';
    secrets.push(
      object('Secret', shardObjectName(config.generated.secretName, i), {
        [f.auth]:
          pjsipAuth(agents) +
          pjsipTrunkAuth(trunkShards[i] ?? [], withCa ? sha256(caBundle) : undefined) +
          (i === guestShard ? guests.auth : ''),
        ...(withCa ? { [TRUNK_CA_FILE]: caBundle } : {}),
      }),
    );
  }
  return [main, ...configMaps, ...secrets];
}
