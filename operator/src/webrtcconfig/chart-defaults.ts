// The Helm chart's webrtcConfig.* values, handed to the operator as the JSON
// of a WebRTCConfig spec (env WEBRTC_CONFIG_DEFAULTS). The chart cannot create
// the object itself in the install that creates its CRD, so the leader applies
// it (chart-defaults-applier.ts). Pure: parsing, validation, fingerprint, body.
import { createHash } from 'node:crypto';
import { API_VERSION } from '../crds/common.ts';
import type { WebRTCConfig } from '../crds/types.ts';
import { validateWebRTCConfig } from '../schema/validators.ts';

export const CHART_DEFAULTS_ENV = 'WEBRTC_CONFIG_DEFAULTS';
/** The server-side apply field manager: it owns exactly the fields the values set. */
export const CHART_FIELD_MANAGER = 'switchboard-chart-values';
/** Which values were applied last; equal on restart means nothing to do. */
export const CHART_VALUES_ANNOTATION = 'switchboard.dev/chart-values';
export const CHART_CONFIG_NAME = 'default';

export interface ChartDefaults {
  /** The spec as the values give it, without schema defaults (so only these fields are owned). */
  readonly spec: Readonly<Record<string, unknown>>;
  /** "sha256:<hex>" of the canonical JSON of the spec. */
  readonly fingerprint: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with object keys sorted at every level: the same values give the same text. */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (!isObject(v)) return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted(v[k])]),
    );
  };
  return JSON.stringify(sorted(value));
}

/**
 * WEBRTC_CONFIG_DEFAULTS as a checked spec, or undefined when unset (the
 * chart's webrtcConfig.create=false). Throws an error naming the variable.
 */
export function parseChartDefaults(raw: string | undefined): ChartDefaults | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let spec: unknown;
  try {
    spec = JSON.parse(raw);
  } catch (err) {
    throw new Error(`${CHART_DEFAULTS_ENV} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(spec))
    throw new Error(`${CHART_DEFAULTS_ENV} must be a JSON object (a WebRTCConfig spec)`);
  const valid = validateWebRTCConfig({
    apiVersion: API_VERSION,
    kind: 'WebRTCConfig',
    metadata: { name: CHART_CONFIG_NAME },
    spec,
  });
  if (!valid.ok) {
    const errors = valid.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw new Error(`${CHART_DEFAULTS_ENV} is not a valid WebRTCConfig spec: ${errors}`);
  }
  const canonical = canonicalJson(spec);
  return {
    spec: JSON.parse(canonical) as Record<string, unknown>,
    fingerprint: `sha256:${createHash('sha256').update(canonical).digest('hex')}`,
  };
}

/** True when the object already carries these values (a restart, or another replica did it). */
export function chartDefaultsApplied(
  existing: WebRTCConfig | undefined,
  defaults: ChartDefaults,
): boolean {
  return existing?.metadata.annotations?.[CHART_VALUES_ANNOTATION] === defaults.fingerprint;
}

/** The server-side apply body: only the values' fields and the fingerprint. */
export function chartDefaultsObject(namespace: string, defaults: ChartDefaults) {
  return {
    apiVersion: API_VERSION,
    kind: 'WebRTCConfig',
    metadata: {
      name: CHART_CONFIG_NAME,
      namespace,
      annotations: { [CHART_VALUES_ANNOTATION]: defaults.fingerprint },
    },
    spec: defaults.spec,
  };
}
