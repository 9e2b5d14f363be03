// Which events a session receives: Login's `Events:` header read as
// Asterisk's strings_to_mask (manager.c). "off" receives none (recorded:
// no FullyBooted, no Reload event); "on" or no header receives all; a list
// of classes receives events whose Privilege names one of them. The user's
// `read =` classes (manager.conf, get_perm) filter on top: an event goes out
// when both the session's mask and the user's read classes have every class
// of its Privilege (process_events). An action runs when the user's `write =`
// classes share one with the action's, or the action needs none.
import { type AmiMessage, field } from './framing.ts';
import { isTrue } from './pjsip-options.ts';

const CLASSES = [
  'system',
  'call',
  'log',
  'verbose',
  'command',
  'agent',
  'user',
  'config',
  'dtmf',
  'reporting',
  'cdr',
  'dialplan',
  'originate',
  'agi',
  'cc',
  'aoc',
  'test',
  'security',
  'message',
];
export const ALL_EVENTS = 2 ** CLASSES.length - 1;
const FALSE_WORDS = ['no', 'false', 'n', 'f', '0', 'off'];

function classBits(list: string): number {
  let mask = 0;
  for (const name of list.split(',')) {
    const i = CLASSES.indexOf(name.trim());
    if (i >= 0) mask |= 2 ** i;
  }
  return mask;
}

export function parseEventMask(value: string | undefined): number {
  if (value === undefined) return ALL_EVENTS;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  if (FALSE_WORDS.includes(v.toLowerCase())) return 0;
  if (isTrue(v)) return ALL_EVENTS;
  return classBits(v);
}

/**
 * A manager.conf `read =`/`write =` value as get_perm reads it: exact class
 * names separated by commas, `all` for every class; undefined: every class
 * (the recorded user had nearly all).
 */
export function parsePermissions(list: string | undefined): number {
  if (list === undefined) return ALL_EVENTS;
  return list.split(',').includes('all') ? ALL_EVENTS : classBits(list);
}

/** An action's classes (ast_manager_register_xml's authority), e.g. "system,config". */
export const actionAuthority = (classes: string) => classBits(classes);

/** Whether a session with `mask` (its event mask and read classes) gets `event`. */
export function wants(mask: number, event: AmiMessage): boolean {
  const bits = classBits(field(event, 'Privilege') ?? '');
  return bits !== 0 && (mask & bits) === bits;
}

export const SYSTEM_EVENTS = classBits('system');
