// The status a CallQueue should have, from its resolution. Pure: the
// controller writes it only when it differs from the current one.
import type { CallQueue, CallQueueStatus } from '../crds/types.ts';
import { type ConditionInput, setConditions } from '../status/conditions.ts';
import type { ResolvedQueue } from './resolve.ts';

function ready(resolved: ResolvedQueue, hasConfig: boolean): ConditionInput {
  const no = (reason: string, message: string): ConditionInput => ({
    type: 'Ready',
    status: 'False',
    reason,
    message,
  });
  if (!hasConfig)
    return no(
      'NoWebRTCConfig',
      'the namespace has no WebRTCConfig "default": no Asterisk to configure',
    );
  if (resolved.conflicts.length)
    return no(
      'NumberConflict',
      resolved.conflicts
        .map((c) => `number ${c.number} already reaches CallQueue ${c.queue}`)
        .join('; '),
    );
  if (resolved.inExtensionRange.length)
    return no(
      'NumberInExtensionRange',
      `number ${resolved.inExtensionRange.join(', ')} lies in the WebRTCConfig's extension range, where it would shadow agents`,
    );
  if (resolved.missingOverflowQueue !== undefined)
    return no(
      'OverflowQueueMissing',
      `no number reaches overflow.queue ${resolved.missingOverflowQueue}; callers are hung up instead`,
    );
  if (resolved.overflowCycle !== undefined)
    return no(
      'OverflowCycle',
      `overflow.queue passes callers around in a circle (${resolved.overflowCycle.join(' -> ')}): each wait still ends at its queue's maxWaitSeconds, but no caller ever leaves`,
    );
  if (resolved.memberCount === 0)
    return no('NoMembers', 'no SipAgent matches the selector and skills or names this queue');
  return {
    type: 'Ready',
    status: 'True',
    reason: 'Ready',
    message: `${resolved.memberCount} agent(s); numbers: ${resolved.numbers.join(', ') || 'none'}`,
  };
}

export function desiredQueueStatus(
  queue: CallQueue,
  resolved: ResolvedQueue,
  hasConfig: boolean,
  now: Date,
): CallQueueStatus {
  const generation = queue.metadata.generation;
  return {
    observedGeneration: generation,
    members: resolved.memberCount,
    numbers: [...resolved.numbers],
    conditions: setConditions(
      queue.status?.conditions,
      [{ ...ready(resolved, hasConfig), observedGeneration: generation }],
      now,
    ),
  };
}
