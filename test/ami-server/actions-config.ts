// GetConfig, GetConfigJSON and UpdateConfig (transcripts main_07..13,
// main_40, main_44, main_47..49, main_53; config-behaviour *.ami_getconfig).
// Files are read from disk at every call.
import { existsSync, writeFileSync } from 'node:fs';
import { type ActionHandler, type ActionResult, answer } from './action-types.ts';
import { reloadEvent } from './asterisk.ts';
import {
  type ConfigCategory,
  type ConfigLine,
  type ConfigSource,
  isRestricted,
  localPath,
  readConfig,
} from './config-reader.ts';
import { type AmiRequest, header } from './framing.ts';
import { configJson, getConfigFields, selectCategories } from './get-config.ts';
import { isTrue } from './pjsip-options.ts';
import { failure, reply, success } from './responses.ts';

type Loaded = { ok: true; categories: readonly ConfigCategory[] } | { ok: false; error: string };

/** GetConfig's checks, in Asterisk's order: a name, a permitted path, a readable file. */
function load(src: ConfigSource, file: string | undefined): Loaded {
  if (file === undefined) return { ok: false, error: 'Filename not specified' };
  if (isRestricted(src, file)) return { ok: false, error: 'File requires escalated privileges' };
  const read = readConfig(src, file);
  if (!read.ok) {
    const error =
      read.reason === 'not-found' ? 'Config file not found' : 'Config file has invalid format';
    return { ok: false, error };
  }
  return { ok: true, categories: read.categories };
}

function selected(ctx: Parameters<ActionHandler>[0], req: AmiRequest) {
  const loaded = load(ctx.asterisk.state.src, header(req, 'Filename'));
  if (!loaded.ok) return loaded;
  return {
    ok: true as const,
    categories: selectCategories(loaded.categories, header(req, 'Category'), header(req, 'Filter')),
  };
}

export const getConfig: ActionHandler = (ctx, req) => {
  const result = selected(ctx, req);
  if (!result.ok) return answer(failure(req, result.error));
  // Only a Category: that matched nothing says so; a Filter: alone answers no line.
  if (result.categories.length === 0 && header(req, 'Category') !== undefined)
    return answer(reply(req, 'Success', [{ bare: 'No categories found' }]));
  return answer(reply(req, 'Success', getConfigFields(result.categories)));
};

/**
 * GetConfigJSON and UpdateConfig test is_restricted_file() for truth, so a
 * missing file (-1: no real path) "requires escalated privileges" too.
 */
const restrictedOrMissing = (src: ConfigSource, file: string) =>
  !existsSync(localPath(src, file)) || isRestricted(src, file);

export const getConfigJson: ActionHandler = (ctx, req) => {
  const file = header(req, 'Filename');
  if (file !== undefined && restrictedOrMissing(ctx.asterisk.state.src, file))
    return answer(failure(req, 'File requires escalated privileges'));
  const result = selected(ctx, req);
  if (!result.ok) return answer(failure(req, result.error));
  return answer(reply(req, 'Success', [['JSON', configJson(result.categories)]]));
};

interface EditableCategory {
  name: string;
  template: boolean;
  templates: readonly string[];
  lines: ConfigLine[];
}

/** Applies Action-NNNNNN edits; only NewCat, Append and DelCat (recorded) are supported. */
function applyEdits(req: AmiRequest, cats: EditableCategory[]): string | undefined {
  for (let x = 0; ; x++) {
    const n = String(x).padStart(6, '0');
    const action = header(req, `Action-${n}`);
    if (action === undefined) return undefined;
    const cat = header(req, `Cat-${n}`);
    const name = header(req, `Var-${n}`);
    const value = req.headers.find(([k]) => k.toLowerCase() === `value-${n}`)?.[1] ?? '';
    const index = cat === undefined ? -1 : cats.findIndex((c) => c.name === cat);
    switch (action.toLowerCase()) {
      case 'newcat':
        if (cat === undefined) return 'Category not specified';
        cats.push({ name: cat, template: false, templates: [], lines: [] });
        break;
      case 'append':
        if (cat === undefined || name === undefined)
          return 'Problem with category, value, or line (if required)';
        if (index < 0) return 'Given category does not exist';
        cats[index]?.lines.push({ key: name, value, inherited: false, file: '', lineNo: 0 });
        break;
      case 'delcat':
        if (cat === undefined) return 'Category not specified';
        if (index < 0) return 'Given category does not exist';
        cats.splice(index, 1);
        break;
      default:
        return 'Unknown action command';
    }
  }
}

/** The file Asterisk's config writer produces (comments are never read back). */
function render(file: string, cats: readonly EditableCategory[]): string {
  const head = [';!', ';! Automatically generated configuration file', `;! Filename: ${file}`];
  const body = cats.map((c) => {
    const opts = [...(c.template ? ['!'] : []), ...c.templates];
    const lines = c.lines.filter((l) => !l.inherited).map((l) => `${l.key} = ${l.value}`);
    return [`[${c.name}]${opts.length ? `(${opts.join(',')})` : ''}`, ...lines, ''].join('\n');
  });
  return `${[...head, ';! Generator: Manager', ';!', ''].join('\n')}\n${body.join('\n')}`;
}

export const updateConfig: ActionHandler = async (ctx, req): Promise<ActionResult> => {
  const src = ctx.asterisk.state.src;
  const source = header(req, 'SrcFilename');
  const dst = header(req, 'DstFilename');
  // UpdateConfig checks both names first, then both paths, then reads the source.
  if (source === undefined || dst === undefined)
    return answer(failure(req, 'Filename not specified'));
  if (restrictedOrMissing(src, source) || restrictedOrMissing(src, dst))
    return answer(failure(req, 'File requires escalated privileges'));
  const loaded = load(src, source);
  if (!loaded.ok) return answer(failure(req, loaded.error));
  const cats: EditableCategory[] = loaded.categories.map((c) => ({ ...c, lines: [...c.lines] }));
  const error = applyEdits(req, cats);
  if (error !== undefined) return answer(failure(req, error));
  writeFileSync(localPath(src, dst), render(dst, cats));
  const rld = header(req, 'Reload');
  if (rld === undefined || /^(no|false|n|f|0|off)$/i.test(rld)) return answer(success(req));
  const module = isTrue(rld) ? undefined : rld;
  const status = await ctx.asterisk.reload(module);
  return { reply: [success(req)], events: [reloadEvent(module, status)] };
};
