// Per-agent configuration is spread over a fixed number of shards, chosen by
// a stable hash of the SIP username: every object stays far below the 1 MiB
// object limit at 10,000 agents, one agent's change rewrites one shard, and
// every shard file always exists (a missing #include breaks all of PJSIP).
import { createHash } from 'node:crypto';

export const SHARDS = 16;

export function shardOf(sipUsername: string): number {
  return createHash('sha256').update(sipUsername).digest().readUInt32BE(0) % SHARDS;
}

export const shardSuffix = (shard: number) => String(shard).padStart(2, '0');
