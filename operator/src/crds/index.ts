import { callQueueCrd } from './callqueue.crd.ts';
import type { CustomResourceDefinition } from './schema-types.ts';
import { sipAgentCrd } from './sipagent.crd.ts';
import { sipTrunkCrd } from './siptrunk.crd.ts';
import { webRtcConfigCrd } from './webrtcconfig.crd.ts';

export { callQueueCrd, sipAgentCrd, sipTrunkCrd, webRtcConfigCrd };

/** Every CRD with the file it is generated into under crds/. */
export const crdFiles: readonly {
  readonly file: string;
  readonly crd: CustomResourceDefinition;
}[] = [
  { file: 'callqueue.yaml', crd: callQueueCrd },
  { file: 'sipagent.yaml', crd: sipAgentCrd },
  { file: 'siptrunk.yaml', crd: sipTrunkCrd },
  { file: 'webrtcconfig.yaml', crd: webRtcConfigCrd },
];
