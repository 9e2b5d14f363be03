// Per-agent configuration is spread over a FIXED number of shards, chosen by
// a stable hash of the SIP username: a change to one agent rewrites one shard
// object, every shard file always exists (a missing #include breaks all of
// pjsip.conf), and objects stay far below the 1 MiB limit at 10,000 agents.
// 32, not 16: a heavy agent (51-char username, long non-ASCII name, 3 queues)
// renders ~1.2 KB, and 10,000 of them over 16 shards would put ~700 agents
// (~800 KiB) in the fullest shard; over 32 it is ~405 KiB (scale.test.ts).
// Changing this number moves agents between shards: a one-time full rewrite.
import { createHash } from 'node:crypto';

export const SHARD_COUNT = 32;

export function shardOf(sipUsername: string): number {
  return createHash('sha256').update(sipUsername).digest().readUInt32BE(0) % SHARD_COUNT;
}

/** "00" … "31": fixed width so names and includes sort in shard order. */
export function shardSuffix(shard: number): string {
  return String(shard).padStart(2, '0');
}

export const SHARDS: readonly number[] = Array.from({ length: SHARD_COUNT }, (_, i) => i);
