// metav1.Condition handling: a condition's lastTransitionTime changes only
// when its status does, so unchanged reconciles write nothing.

import { rfc3339 } from '../clients/time.ts';
import type { Condition } from '../crds/types.ts';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

export function setCondition(
  existing: readonly Condition[] | undefined,
  next: ConditionInput,
  now: Date,
): Condition[] {
  const list = [...(existing ?? [])];
  const index = list.findIndex((c) => c.type === next.type);
  const previous = index >= 0 ? list[index] : undefined;
  const lastTransitionTime =
    previous && previous.status === next.status ? previous.lastTransitionTime : rfc3339(now);
  const condition: Condition = { ...next, lastTransitionTime };
  if (index >= 0) list[index] = condition;
  else list.push(condition);
  return list;
}

export function setConditions(
  existing: readonly Condition[] | undefined,
  next: readonly ConditionInput[],
  now: Date,
): Condition[] {
  return next.reduce<Condition[]>((list, c) => setCondition(list, c, now), [...(existing ?? [])]);
}

export function getCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
