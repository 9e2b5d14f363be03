// Asterisk's process_message(): a request without Action is "Missing action
// in request"; before login only Login and Logoff pass ("Permission
// denied"); an action nobody handles is "Invalid/unknown command".
// Action names match case-insensitively.
import type { ActionContext, ActionHandler, ActionResult } from './action-types.ts';
import { getConfig, getConfigJson, updateConfig } from './actions-config.ts';
import { coreSettings, coreStatus, login, logoff, ping } from './actions-core.ts';
import { showContacts, showEndpoint, showEndpoints } from './actions-pjsip.ts';
import {
  queueAddAction,
  queuePauseAction,
  queueRemoveAction,
  queueStatus,
  queueSummary,
} from './actions-queue.ts';
import { command, reload } from './actions-reload.ts';
import { type AmiRequest, header } from './framing.ts';
import { failure } from './responses.ts';

const HANDLERS: Readonly<Record<string, ActionHandler>> = {
  login,
  logoff,
  ping,
  corestatus: coreStatus,
  coresettings: coreSettings,
  command,
  reload,
  getconfig: getConfig,
  getconfigjson: getConfigJson,
  updateconfig: updateConfig,
  pjsipshowendpoints: showEndpoints,
  pjsipshowendpoint: showEndpoint,
  pjsipshowcontacts: showContacts,
  queuestatus: queueStatus,
  queuesummary: queueSummary,
  queueadd: queueAddAction,
  queuepause: queuePauseAction,
  queueremove: queueRemoveAction,
};

/** Actions Asterisk lets through before login. */
const BEFORE_LOGIN = new Set(['login', 'logoff', 'challenge']);

export async function dispatch(ctx: ActionContext, req: AmiRequest): Promise<ActionResult> {
  const action = header(req, 'Action');
  if (action === undefined) return { reply: [failure(req, 'Missing action in request')] };
  const name = action.trim().toLowerCase();
  if (!ctx.session.authenticated && !BEFORE_LOGIN.has(name))
    return { reply: [failure(req, 'Permission denied')] };
  const handler = HANDLERS[name];
  if (!handler) {
    return {
      reply: [
        failure(
          req,
          `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`,
        ),
      ],
    };
  }
  return handler(ctx, req);
}
