// File and object names, and where Asterisk finds them (LAYOUT.md). All
// generated objects are projected into ONE directory, /etc/asterisk/switchboard,
// so file names are unique across objects. #include paths are relative to
// Asterisk's config directory (astetcdir), as config.c resolves them.
import { shardSuffix } from './shards.ts';

/** Relative to astetcdir (/etc/asterisk); used in every #include we write. */
export const INCLUDE_DIR = 'switchboard';
/** Where the projected volume is mounted in the Asterisk container. */
export const MOUNT_PATH = `/etc/asterisk/${INCLUDE_DIR}`;

/** Files of the main ConfigMap. */
export const MAIN_FILES = {
  pjsip: 'pjsip.conf',
  extensions: 'extensions.conf',
  queues: 'queues.conf',
  rtp: 'rtp.conf',
} as const;

/** Files of shard NN: endpoints and dialplan in a ConfigMap, auth in a Secret. */
export function shardFiles(shard: number) {
  const s = shardSuffix(shard);
  return {
    endpoints: `pjsip_endpoints_${s}.conf`,
    dialplan: `extensions_agents_${s}.conf`,
    auth: `pjsip_auth_${s}.conf`,
  } as const;
}

export function includeLine(file: string): string {
  return `#include ${INCLUDE_DIR}/${file}`;
}

export function shardObjectName(base: string, shard: number): string {
  return `${base}-${shardSuffix(shard)}`;
}

/** What the base configuration in asterisk/ must #include (at the END of each file). */
export const BASE_INCLUDES: Readonly<Record<string, string>> = {
  'pjsip.conf': `#include ${INCLUDE_DIR}/${MAIN_FILES.pjsip}`,
  'extensions.conf': `#include ${INCLUDE_DIR}/${MAIN_FILES.extensions}`,
  'queues.conf': `#include ${INCLUDE_DIR}/${MAIN_FILES.queues}`,
  'rtp.conf': `#include ${INCLUDE_DIR}/${MAIN_FILES.rtp}`,
};
