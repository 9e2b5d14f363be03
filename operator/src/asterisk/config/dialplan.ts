// The dialplan: browsers call from AGENT_CONTEXT; each extension dials its
// agent for a bounded time; the hotline queues callers; anything else is
// refused with "unallocated number" instead of silence.
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import { AGENT_CONTEXT } from './pjsip.ts';
import { SHARDS, shardSuffix } from './shards.ts';
import type { RenderAgent } from './types.ts';

export const DIAL_SUBROUTINE = 'switchboard-dial-agent';
export const UNKNOWN_CONTEXT = 'switchboard-unknown';
export const agentContext = (shard: number) => `switchboard-agents-${shardSuffix(shard)}`;
/** How long a hotline caller may wait in the queue (seconds). */
export const QUEUE_MAX_WAIT = 600;

export function dialplanMain(spec: WebRTCConfigSpec): string {
  const includes = Array.from({ length: SHARDS }, (_, i) => `include => ${agentContext(i)}`);
  return [
    `[${AGENT_CONTEXT}]`,
    `exten => ${spec.hotline.number},1,Answer()`,
    ` same => n,Queue(${spec.hotline.queue},,,,${QUEUE_MAX_WAIT})`,
    ' same => n,Hangup()',
    ...includes,
    // Included last: patterns in the context itself would shadow the agents' extensions.
    `include => ${UNKNOWN_CONTEXT}`,
    '',
    `[${UNKNOWN_CONTEXT}]`,
    'exten => _[0-9*#+].,1,Hangup(1)',
    '',
    `[${DIAL_SUBROUTINE}]`,
    `exten => s,1,Dial(PJSIP/\${ARG1},${spec.dialTimeoutSeconds})`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Asterisk variable, not a JS placeholder
    ' same => n,GotoIf($["${DIALSTATUS}" = "BUSY"]?busy)',
    ' same => n,Hangup(19)',
    ' same => n(busy),Hangup(17)',
    '',
  ].join('\n');
}

/** One shard's extensions: `exten => 1000,1,Gosub(switchboard-dial-agent,s,1(john_doe_1700000000))`. */
export function dialplanShard(shard: number, agents: readonly RenderAgent[]): string {
  const lines = [`[${agentContext(shard)}]`];
  for (const a of agents)
    lines.push(`exten => ${a.extension},1,Gosub(${DIAL_SUBROUTINE},s,1(${a.sipUsername}))`);
  return `${lines.join('\n')}\n`;
}
