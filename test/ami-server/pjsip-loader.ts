// What a `res_pjsip.so` reload makes of pjsip.conf, per the recorded
// behaviour (NOTES.md, config-behaviour/): a section without type= is
// ignored; an object that fails keeps its previous version ("Retaining
// existing configuration") or is not created; an object no longer in the
// files is gone; a pjsip.conf that cannot be read (a missing #include) keeps
// every object as it was; two sections of one type with the same name keep
// every object of that type as it was. Transports keep their non-reloadable
// options.
import type { ConfigCategory } from './config-reader.ts';
import { type BuildContext, buildObject, CHECKED_TYPES, type PjsipObject } from './pjsip-object.ts';
import { TRANSPORT_FIELDS, TRANSPORT_FIXED_ON_RELOAD } from './pjsip-options.ts';

export type { PjsipObject } from './pjsip-object.ts';

/** Loaded objects by "type/id", in the order of the files. */
export type PjsipObjects = ReadonlyMap<string, PjsipObject>;

export const objectKey = (type: string, id: string) => `${type}/${id}`;

/** Types res_pjsip loads without this server checking their options (GAPS.md). */
const UNCHECKED_TYPES = new Set([
  'global',
  'system',
  'identify',
  'registration',
  'domain_alias',
  'acl',
  'contact',
  'outbound-publish',
  'inbound-publication',
  'resource_list',
  'phoneprov',
]);

export interface LoadOutcome {
  readonly objects: PjsipObjects;
  /** Asterisk-style log lines ("ERROR res_sorcery_config.c: ..."). */
  readonly log: readonly string[];
}

function typeOf(c: ConfigCategory): string | undefined {
  return c.lines.findLast((l) => l.key === 'type')?.value;
}

/** Keeps a reloaded transport's protocol, bind, TLS, TCP, ToS and CoS options as they were. */
function keepFixedTransportOptions(next: PjsipObject, old: PjsipObject): PjsipObject {
  const fields = new Map(next.fields);
  const options = new Map(next.options);
  for (const option of TRANSPORT_FIXED_ON_RELOAD) {
    const value = old.options.get(option);
    if (value === undefined) options.delete(option);
    else options.set(option, value);
  }
  for (const [field, option] of TRANSPORT_FIELDS) {
    const value = old.fields.get(field);
    if (option !== undefined && TRANSPORT_FIXED_ON_RELOAD.includes(option) && value !== undefined)
      fields.set(field, value);
  }
  return { ...next, fields, options };
}

/**
 * Loads the PJSIP objects from pjsip.conf's categories; `previous` are the
 * objects loaded before (empty at boot).
 */
export function loadPjsip(
  categories: readonly ConfigCategory[],
  previous: PjsipObjects,
  ctx: BuildContext,
): LoadOutcome {
  const objects = new Map<string, PjsipObject>();
  const log: string[] = [];
  /** Types whose load stopped at a duplicate id: they keep all their previous objects. */
  const abandoned = new Set<string>();
  for (const c of categories) {
    if (c.template) continue;
    const type = typeOf(c);
    if (type === undefined) continue; // no type=: ignored silently
    if (abandoned.has(type)) continue;
    const key = objectKey(type, c.name);
    if (objects.has(key)) {
      // res_sorcery_config: a second object of a type with the same id makes
      // the whole type's configuration invalid (checked in agreement.test.ts).
      log.push(
        `ERROR res_sorcery_config.c: Config file 'pjsip.conf' could not be loaded; configuration contains a duplicate object: '${c.name}' of type '${type}'`,
      );
      abandoned.add(type);
      continue;
    }
    if (UNCHECKED_TYPES.has(type)) {
      const old = previous.get(key);
      if (type === 'system' && old) {
        objects.set(key, old); // "Type 'system' is not reloadable, maintaining previous values"
        continue;
      }
      const options = new Map(c.lines.map((l) => [l.key, l.value] as const));
      objects.set(key, { type, id: c.name, fields: new Map(), options });
      continue;
    }
    const checked = CHECKED_TYPES.find((t) => t === type);
    if (checked === undefined) continue; // no sorcery type picks it up
    const built = buildObject(checked, c, ctx);
    const old = previous.get(key);
    if (built.ok) {
      if (checked === 'transport' && old) {
        log.push(
          `NOTICE res_pjsip/config_transport.c: Transport '${c.name}' is not fully reloadable, not reloading: protocol, bind, TLS (everything but certificate and private key if filename is unchanged), TCP, ToS, or CoS options.`,
        );
        objects.set(key, keepFixedTransportOptions(built.object, old));
      } else {
        objects.set(key, built.object);
      }
      continue;
    }
    for (const e of built.errors) log.push(`ERROR ${e}`);
    log.push(
      `ERROR res_sorcery_config.c: Could not create an object of type '${type}' with id '${c.name}' from configuration file 'pjsip.conf'`,
    );
    if (old) {
      log.push(
        `NOTICE res_sorcery_config.c: Retaining existing configuration for object of type '${type}' with id '${c.name}'`,
      );
      objects.set(key, old);
    }
  }
  if (abandoned.size === 0) return { objects, log };
  const kept = new Map<string, PjsipObject>();
  for (const [key, o] of objects) if (!abandoned.has(o.type)) kept.set(key, o);
  for (const [key, o] of previous) if (abandoned.has(o.type)) kept.set(key, o);
  return { objects: kept, log };
}

export function objectsOfType(objects: PjsipObjects, type: string): PjsipObject[] {
  return [...objects.values()].filter((o) => o.type === type);
}

/** A comma-separated reference list (aors=, auth=) as names. */
export function names(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
