// Labels and annotations the operator reads and writes.

export const REGENERATE_ANNOTATION = 'switchboard.dev/regenerate-credentials';
/** On a credentials Secret: the value of REGENERATE_ANNOTATION its credentials were generated for. */
export const GENERATED_FOR_ANNOTATION = 'switchboard.dev/generated-for';
export const GENERATED_AT_ANNOTATION = 'switchboard.dev/generated-at';
export const AGENT_LABEL = 'switchboard.dev/agent';
export const CONTENT_HASH_ANNOTATION = 'switchboard.dev/content-hash';

export const MANAGED_BY = 'switchboard-operator';

export function commonLabels(component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'switchboard',
    'app.kubernetes.io/part-of': 'switchboard',
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/component': component,
  };
}

/** Selects every object this operator generates (informers watch only these). */
export const MANAGED_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;
