// Which events a session receives: Login's `Events:` header read as
// Asterisk's strings_to_mask (manager.c). "off" receives none (recorded:
// no FullyBooted, no Reload event); "on" or no header receives all; a list
// of classes receives events whose Privilege names one of them.
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

/** Whether a session with `mask` gets `event` (by its Privilege classes). */
export function wants(mask: number, event: AmiMessage): boolean {
  return (mask & classBits(field(event, 'Privilege') ?? '')) !== 0;
}

export const SYSTEM_EVENTS = classBits('system');
