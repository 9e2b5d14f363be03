// Renders a namespace's Asterisk configuration into ConfigMaps and Secrets.
// Pure and deterministic: the same input (in any order) gives the same bytes.
import { dialplanMain, dialplanShard } from './dialplan.ts';
import { contentHash, markerSection } from './marker.ts';
import { pjsipAuth, pjsipEndpoints, pjsipMain } from './pjsip.ts';
import { queuesFile } from './queues.ts';
import { SHARDS, shardOf, shardSuffix } from './shards.ts';
import type { GeneratedObject, RenderAgent, RenderInput } from './types.ts';

export { MARKER_KEY, markerCategory } from './marker.ts';
export type { GeneratedObject, RenderAgent, RenderInput } from './types.ts';

/** Where the generated objects are mounted, relative to /etc/asterisk (one projected volume). */
export const MOUNT_DIR = 'switchboard';
export const MAIN_PJSIP = 'pjsip_switchboard.conf';
export const MAIN_DIALPLAN = 'extensions_switchboard.conf';
export const MAIN_QUEUES = 'queues_switchboard.conf';
export const endpointsFile = (shard: number) => `pjsip_endpoints_${shardSuffix(shard)}.conf`;
export const authFile = (shard: number) => `pjsip_auth_${shardSuffix(shard)}.conf`;
export const dialplanFile = (shard: number) => `extensions_agents_${shardSuffix(shard)}.conf`;

function byExtension(a: RenderAgent, b: RenderAgent): number {
  return (
    a.extension - b.extension ||
    (a.sipUsername < b.sipUsername ? -1 : a.sipUsername > b.sipUsername ? 1 : 0)
  );
}

/** Adds the content-hash marker to the object's PJSIP file. */
function finish(
  kind: GeneratedObject['kind'],
  name: string,
  files: Record<string, string>,
  pjsipFile: string,
): GeneratedObject {
  const hash = contentHash(files);
  return {
    kind,
    name,
    hash,
    files: { ...files, [pjsipFile]: markerSection(name, hash) + (files[pjsipFile] ?? '') },
  };
}

export function renderAsteriskConfig(input: RenderInput): GeneratedObject[] {
  const { config } = input;
  const agents = [...input.agents].sort(byExtension);
  const shards: RenderAgent[][] = Array.from({ length: SHARDS }, () => []);
  for (const a of agents) shards[shardOf(a.sipUsername)]?.push(a);

  const includes: string[] = [];
  for (let i = 0; i < SHARDS; i++)
    includes.push(`${MOUNT_DIR}/${endpointsFile(i)}`, `${MOUNT_DIR}/${authFile(i)}`);
  const dialplanIncludes = Array.from(
    { length: SHARDS },
    (_, i) => `#include ${MOUNT_DIR}/${dialplanFile(i)}`,
  ).join('\n');

  const cmName = config.generated.configMapName;
  const secretName = config.generated.secretName;
  const objects: GeneratedObject[] = [
    finish(
      'ConfigMap',
      cmName,
      {
        [MAIN_PJSIP]: pjsipMain(config, input.dtlsCertPath, includes),
        [MAIN_DIALPLAN]: `${dialplanMain(config)}\n${dialplanIncludes}\n`,
        [MAIN_QUEUES]: queuesFile(config, agents),
      },
      MAIN_PJSIP,
    ),
  ];
  shards.forEach((list, i) => {
    const s = shardSuffix(i);
    objects.push(
      finish(
        'ConfigMap',
        `${cmName}-${s}`,
        { [endpointsFile(i)]: pjsipEndpoints(list), [dialplanFile(i)]: dialplanShard(i, list) },
        endpointsFile(i),
      ),
      finish('Secret', `${secretName}-${s}`, { [authFile(i)]: pjsipAuth(list) }, authFile(i)),
    );
  });
  return objects;
}
