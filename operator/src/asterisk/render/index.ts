// Asterisk configuration rendering: pure functions from resources to the
// ConfigMaps and Secrets Asterisk mounts (LAYOUT.md).
export {
  type AcceptedAgent,
  type CheckedAgents,
  checkAgents,
  type RenderProblem,
} from './agents.ts';
export {
  SUPERVISE_CODES,
  SUPERVISE_EVENT,
  SUPERVISOR_VARIABLE,
  type SuperviseMode,
} from './dialplan.ts';
export {
  BASE_INCLUDES,
  INCLUDE_DIR,
  MAIN_FILES,
  MOUNT_PATH,
  shardFiles,
  shardObjectName,
} from './layout.ts';
export { hashMarker, objectHash, objectMarkers, sha256 } from './marker.ts';
export { CHECK_CONTEXT, DIAL_CONTEXT, OUTBOUND_CONTEXT } from './outbound.ts';
export {
  type ConfigCategory,
  ConfigError,
  type ConfigLine,
  getConfig,
  type LoadedConfig,
  loadConfig,
} from './parse.ts';
export { DIALOUT_VARIABLE, endpointRevision, REVISION_VARIABLE } from './pjsip.ts';
export { renderAsteriskConfig } from './render.ts';
export { type QueueRoute, queueRoutes } from './routes.ts';
export { SHARD_COUNT, shardOf } from './shards.ts';
export {
  TRANSPORT_TLS,
  TRANSPORT_UDP,
  TRUNK_CA_FILE,
  trunkId,
  trunkRegistrationIds,
} from './trunks.ts';
export type {
  GeneratedObject,
  HashMarker,
  RenderAgent,
  RenderInput,
  RenderOutbound,
  RenderQueue,
  RenderQueueMember,
  RenderQueueSettings,
  RenderTrunk,
} from './types.ts';
