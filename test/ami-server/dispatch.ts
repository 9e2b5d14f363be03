// Asterisk's process_message(): a request without Action is "Missing action
// in request"; before login only Login, Logoff and Challenge pass
// ("Permission denied"); an action nobody handles is "Invalid/unknown
// command"; an action needing classes the user may not write is "Permission
// denied". Action names match case-insensitively.
import type { ActionContext, ActionHandler, ActionResult } from './action-types.ts';
import { getConfig, getConfigJson, updateConfig } from './actions-config.ts';
import {
  challenge,
  coreSettings,
  coreShowChannels,
  coreStatus,
  login,
  logoff,
  ping,
} from './actions-core.ts';
import { dbDel, dbGet, dbGetTree, dbPut } from './actions-db.ts';
import {
  showContacts,
  showEndpoint,
  showEndpoints,
  showRegistrationsOutbound,
} from './actions-pjsip.ts';
import {
  queueAddAction,
  queuePauseAction,
  queuePenaltyAction,
  queueRemoveAction,
  queueReset,
  queueStatus,
  queueSummary,
} from './actions-queue.ts';
import { command, reload } from './actions-reload.ts';
import { actionAuthority } from './event-mask.ts';
import { type AmiRequest, header } from './framing.ts';
import { failure } from './responses.ts';

/** Each action and the classes it is registered with (manager.c, app_queue.c, res_pjsip). */
const HANDLERS: Readonly<Record<string, readonly [ActionHandler, classes: string]>> = {
  login: [login, ''],
  challenge: [challenge, ''],
  logoff: [logoff, ''],
  ping: [ping, ''],
  corestatus: [coreStatus, 'system,reporting'],
  coresettings: [coreSettings, 'system,reporting'],
  coreshowchannels: [coreShowChannels, 'system,reporting'],
  command: [command, 'command'],
  reload: [reload, 'config,system'],
  getconfig: [getConfig, 'system,config'],
  getconfigjson: [getConfigJson, 'system,config'],
  updateconfig: [updateConfig, 'config'],
  pjsipshowendpoints: [showEndpoints, 'system'],
  pjsipshowendpoint: [showEndpoint, 'system'],
  pjsipshowcontacts: [showContacts, 'system'],
  pjsipshowregistrationsoutbound: [showRegistrationsOutbound, 'system,reporting'],
  queuestatus: [queueStatus, ''],
  queuesummary: [queueSummary, ''],
  queuereset: [queueReset, ''],
  queueadd: [queueAddAction, 'agent'],
  queuepause: [queuePauseAction, 'agent'],
  queueremove: [queueRemoveAction, 'agent'],
  queuepenalty: [queuePenaltyAction, 'agent'],
  dbput: [dbPut, 'system'],
  dbdel: [dbDel, 'system'],
  dbget: [dbGet, 'system,reporting'],
  dbgettree: [dbGetTree, 'system,reporting'],
};

/** Actions Asterisk lets through before login. */
const BEFORE_LOGIN = new Set(['login', 'logoff', 'challenge']);

export async function dispatch(ctx: ActionContext, req: AmiRequest): Promise<ActionResult> {
  const action = header(req, 'Action');
  if (action === undefined) return { reply: [failure(req, 'Missing action in request')] };
  const name = action.trim().toLowerCase();
  if (!ctx.session.authenticated && !BEFORE_LOGIN.has(name))
    return { reply: [failure(req, 'Permission denied')] };
  const found = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (!found) {
    return {
      reply: [
        failure(
          req,
          `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`,
        ),
      ],
    };
  }
  const [handler, classes] = found;
  const authority = actionAuthority(classes);
  if (authority !== 0 && (ctx.session.writePerm & authority) === 0)
    return { reply: [failure(req, 'Permission denied')] };
  return handler(ctx, req);
}
