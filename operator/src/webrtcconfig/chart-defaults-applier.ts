// The leader applies the chart's WebRTCConfig values (chart-defaults.ts) once
// per set of values: server-side apply under its own field manager, forced,
// so the values win over earlier edits of the same fields while fields the
// values leave out stay with whoever set them (the web UI, kubectl).
import { setTimeout as sleep } from 'node:timers/promises';
import { type CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describeError, isNotFound, statusCode } from '../clients/errors.ts';
import type { EventRecorder } from '../clients/events.ts';
import { GROUP, VERSION } from '../crds/common.ts';
import type { WebRTCConfig } from '../crds/types.ts';
import { backoffDelay } from '../kube/backoff.ts';
import type { Logger } from '../log.ts';
import {
  CHART_CONFIG_NAME,
  CHART_FIELD_MANAGER,
  type ChartDefaults,
  chartDefaultsApplied,
  chartDefaultsObject,
} from './chart-defaults.ts';

const serverSideApply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

export interface ChartDefaultsApplierOptions {
  readonly custom: Pick<CustomObjectsApi, 'patchNamespacedCustomObject'>;
  readonly events: EventRecorder;
  readonly logger: Logger;
  /** The release namespace (the operator's own). */
  readonly namespace: string;
  readonly defaults: ChartDefaults;
  /** The WebRTCConfig as the informer has it (no get permission needed). */
  readonly current: () => WebRTCConfig | undefined;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

export interface ChartDefaultsApplier {
  /** Applies in the background, retrying until done or stopped. */
  start(): void;
  /** Resolves when the current attempt ended (done, given up, or stopped). */
  stop(): Promise<void>;
  /** Resolves when applying ended (tests). */
  readonly settled: Promise<void>;
}

/** Retrying cannot help: the API server refused the object itself. */
const permanent = (err: unknown) => [400, 422].includes(statusCode(err) ?? 0);

export function createChartDefaultsApplier(o: ChartDefaultsApplierOptions): ChartDefaultsApplier {
  const abort = new AbortController();
  const log = o.logger.child({ webrtcConfig: `${o.namespace}/${CHART_CONFIG_NAME}` });
  const { fingerprint } = o.defaults;
  let run: Promise<void> | undefined;
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });

  const apply = async () => {
    for (let failures = 0; !abort.signal.aborted; ) {
      if (chartDefaultsApplied(o.current(), o.defaults)) {
        log.info({ fingerprint }, 'WebRTCConfig already carries the chart values');
        return;
      }
      try {
        const applied = (await o.custom.patchNamespacedCustomObject(
          {
            group: GROUP,
            version: VERSION,
            namespace: o.namespace,
            plural: 'webrtcconfigs',
            name: CHART_CONFIG_NAME,
            body: chartDefaultsObject(o.namespace, o.defaults),
            fieldManager: CHART_FIELD_MANAGER,
            force: true,
          },
          serverSideApply,
        )) as WebRTCConfig;
        log.info({ fingerprint, failures }, 'applied the chart values to WebRTCConfig');
        o.events.normal(
          applied,
          'ChartValuesApplied',
          'Apply',
          `Applied the Helm chart's webrtcConfig values (${fingerprint}); fields they leave out stay editable in the web UI`,
        );
        return;
      } catch (err) {
        if (abort.signal.aborted) return;
        if (permanent(err)) {
          log.error({ err: describeError(err), fingerprint }, 'the chart values were refused');
          return;
        }
        failures += 1;
        const retryInMs = backoffDelay(failures, o.retryBaseMs ?? 500, o.retryMaxMs ?? 30_000);
        // 404: the CRD is not established yet (created in the same install).
        const msg = isNotFound(err)
          ? 'WebRTCConfig kind not served yet; retrying'
          : 'could not apply the chart values to WebRTCConfig; retrying';
        log.warn({ err: describeError(err), failures, retryInMs }, msg);
        await sleep(retryInMs, undefined, { signal: abort.signal }).catch(() => {});
      }
    }
  };

  return {
    settled,
    start() {
      run ??= apply().finally(settle);
    },
    async stop() {
      abort.abort();
      await run;
      settle();
    },
  };
}
