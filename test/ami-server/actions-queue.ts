// QueueStatus, QueueSummary, QueueAdd, QueuePause, QueueRemove, QueuePenalty (transcripts
// main_18, main_19, main_23..32, main_55, main_56). app_queue's list events
// carry the ActionID last.
import { type ActionHandler, answer } from './action-types.ts';
import { header } from './framing.ts';
import { isTrue } from './pjsip-options.ts';
import {
  memberStatusFields,
  queueAdd,
  queueParamsFields,
  queuePause,
  queuePenalty,
  queueRemove,
  queueSummaryFields,
} from './queues.ts';
import { failure, listComplete, listItem, listStart, success } from './responses.ts';

export const queueStatus: ActionHandler = (ctx, req) => {
  const s = ctx.asterisk.state;
  const queue = header(req, 'Queue');
  const member = header(req, 'Member');
  const items = [];
  for (const q of s.queues.values()) {
    if (queue !== undefined && q.name !== queue) continue;
    items.push(listItem(req, 'QueueParams', queueParamsFields(q), true));
    for (const m of q.members) {
      if (member !== undefined && m.name !== member && m.interface !== member) continue;
      items.push(listItem(req, 'QueueMember', memberStatusFields(s, q, m), true));
    }
  }
  return answer(
    listStart(req, 'Queue status will follow'),
    ...items,
    listComplete(req, 'QueueStatusComplete', items.length),
  );
};

export const queueSummary: ActionHandler = (ctx, req) => {
  const s = ctx.asterisk.state;
  const queue = header(req, 'Queue');
  const items = [...s.queues.values()]
    .filter((q) => queue === undefined || q.name === queue)
    .map((q) => listItem(req, 'QueueSummary', queueSummaryFields(s, q), true));
  return answer(
    listStart(req, 'Queue summary will follow'),
    ...items,
    listComplete(req, 'QueueSummaryComplete', items.length),
  );
};

const ADD_MESSAGES = {
  ok: 'Added interface to queue',
  exists: 'Unable to add interface: Already there',
  nosuchqueue: 'Unable to add interface to queue: No such queue',
};

export const queueAddAction: ActionHandler = (ctx, req) => {
  const queue = header(req, 'Queue');
  const iface = header(req, 'Interface');
  if (queue === undefined) return answer(failure(req, "'Queue' not specified."));
  if (iface === undefined) return answer(failure(req, "'Interface' not specified."));
  const penalty = Number(header(req, 'Penalty') ?? 0);
  const { result, events } = queueAdd(ctx.asterisk.state, queue, {
    interface: iface,
    name: header(req, 'MemberName') ?? iface,
    stateInterface: header(req, 'StateInterface') ?? iface,
    penalty: Number.isInteger(penalty) && penalty >= 0 ? penalty : 0,
    paused: isTrue(header(req, 'Paused')),
    // Added paused, the Reason is its paused reason (app_queue add_to_queue).
    pausedReason: isTrue(header(req, 'Paused')) ? (header(req, 'Reason') ?? '') : '',
  });
  const text = ADD_MESSAGES[result];
  return { reply: [result === 'ok' ? success(req, text) : failure(req, text)], events };
};

export const queuePauseAction: ActionHandler = (ctx, req) => {
  const iface = header(req, 'Interface');
  const paused = header(req, 'Paused');
  if (iface === undefined || paused === undefined)
    return answer(failure(req, "Need 'Interface' and 'Paused' parameters."));
  const on = isTrue(paused);
  const { found, events } = queuePause(
    ctx.asterisk.state,
    header(req, 'Queue'),
    iface,
    on,
    header(req, 'Reason') ?? '',
  );
  if (!found) return answer(failure(req, 'Interface not found'));
  const text = on ? 'Interface paused successfully' : 'Interface unpaused successfully';
  return { reply: [success(req, text)], events };
};

const REMOVE_MESSAGES = {
  ok: 'Removed interface from queue',
  notthere: 'Unable to remove interface: Not there',
  nosuchqueue: 'Unable to remove interface from queue: No such queue',
  notdynamic: 'Member not dynamic',
};

export const queueRemoveAction: ActionHandler = (ctx, req) => {
  const queue = header(req, 'Queue');
  const iface = header(req, 'Interface');
  if (queue === undefined || iface === undefined)
    return answer(failure(req, "Need 'Queue' and 'Interface' parameters."));
  const { result, events } = queueRemove(ctx.asterisk.state, queue, iface);
  const text = REMOVE_MESSAGES[result];
  return { reply: [result === 'ok' ? success(req, text) : failure(req, text)], events };
};

/** QueuePenalty: one queue, or every queue when Queue is absent (app_queue set_member_value). */
export const queuePenaltyAction: ActionHandler = (ctx, req) => {
  const iface = header(req, 'Interface');
  const penalty = header(req, 'Penalty');
  if (!iface || !penalty) return answer(failure(req, "Need 'Interface' and 'Penalty' parameters."));
  const { found, events } = queuePenalty(
    ctx.asterisk.state,
    header(req, 'Queue'),
    iface,
    Number.parseInt(penalty, 10) || 0,
  );
  if (!found) return answer(failure(req, 'Invalid interface, queuename or penalty'));
  return { reply: [success(req, 'Interface penalty set successfully')], events };
};

/** QueueReset (app_queue, no class): the double keeps no counters (QueueParams says 0), so only the answer. */
export const queueReset: ActionHandler = (_ctx, req) =>
  answer(success(req, 'Queue stats reset successfully'));
