// Kubernetes label selector semantics (matchLabels AND every matchExpression),
// for choosing a CallQueue's SipAgents without asking the API server.
import type { LabelSelector } from '../crds/types.ts';

export function matchesSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const l = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (l[key] !== value) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const value = l[e.key];
    const ok =
      e.operator === 'Exists'
        ? has
        : e.operator === 'DoesNotExist'
          ? !has
          : e.operator === 'In'
            ? has && e.values.includes(value ?? '')
            : !has || !e.values.includes(value ?? '');
    if (!ok) return false;
  }
  return true;
}
