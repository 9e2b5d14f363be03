// Reload and Command (transcripts main_06, main_33..39, eventsoff_04,
// ami_reload_*.txt). Reload is synchronous: the answer comes when the reload
// is done, then the Reload event. `pjsip reload` is no CLI command in 22.
import { type ActionHandler, answer } from './action-types.ts';
import { type ReloadStatus, reloadEvent } from './asterisk.ts';
import { header } from './framing.ts';
import { failure, reply, success } from './responses.ts';

const RELOAD_MESSAGES: Record<ReloadStatus, string> = {
  0: 'Module Reloaded',
  2: 'No such module',
  4: 'A reload is in progress',
};

export const reload: ActionHandler = async (ctx, req) => {
  const module = header(req, 'Module');
  const status = await ctx.asterisk.reload(module);
  const text = RELOAD_MESSAGES[status];
  return {
    reply: [status === 0 ? success(req, text) : failure(req, text)],
    events: [reloadEvent(module, status)],
  };
};

/** `core show version` as recorded on the recording machine (main_06). */
const VERSION_OUTPUT =
  'Asterisk 22.10.1 built by root @ vm on a x86_64 running Linux on 2026-11-23 19:58:47 UTC';

/** The CLI's answers to `module reload <name>` (only the first is recorded: GAPS.md). */
const MODULE_RELOAD_OUTPUT: Record<ReloadStatus, (name: string) => string> = {
  0: (name) => `Module '${name}' reloaded successfully.`,
  2: (name) => `No such module '${name}'`,
  4: () => 'A module reload request is already in progress; please be patient',
};

const output = (lines: string[]): [string, string][] => [
  ['Message', 'Command output follows'],
  ...lines.map((l): [string, string] => ['Output', l]),
];

export const command: ActionHandler = async (ctx, req) => {
  const cmd = header(req, 'Command');
  if (cmd === undefined) return answer(failure(req, 'No command provided'));
  const words = cmd.trim().split(/\s+/);
  const line = words.join(' ');
  if (line === 'core show version') return answer(reply(req, 'Success', output([VERSION_OUTPUT])));
  if (words.length === 3 && words[0] === 'module' && words[1] === 'reload') {
    const name = words[2] ?? '';
    const status = await ctx.asterisk.reload(name);
    return {
      reply: [reply(req, 'Success', output([MODULE_RELOAD_OUTPUT[status](name)]))],
      events: [reloadEvent(name, status)],
    };
  }
  if (line === 'dialplan reload') {
    // pbx_config's own reload: no module reload lock, no Reload event (main_39).
    ctx.asterisk.state.reloads.push('pbx_config.so');
    return answer(reply(req, 'Success', output(['Dialplan reloaded.'])));
  }
  return answer(
    reply(
      req,
      'Error',
      output([
        `No such command '${line}' (type 'core show help ${line}' for other possible commands)`,
      ]),
    ),
  );
};
