// Kubernetes Events (events.k8s.io/v1) about the custom resources. Notes are
// written by the controllers and never contain credentials.
import { randomBytes } from 'node:crypto';
import type { EventsV1Api } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import { describeError } from './errors.ts';
import { microTime } from './time.ts';

export interface EventTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly uid?: string };
}

export interface EventRecorder {
  normal(target: EventTarget, reason: string, action: string, note: string): void;
  warning(target: EventTarget, reason: string, action: string, note: string): void;
}

export function createEventRecorder(
  api: EventsV1Api,
  instance: string,
  logger: Logger,
): EventRecorder {
  const emit = (
    type: 'Normal' | 'Warning',
    target: EventTarget,
    reason: string,
    action: string,
    note: string,
  ) => {
    const namespace = target.metadata.namespace ?? 'default';
    const body = {
      // Named like client-go's events: <object>.<unique suffix>.
      metadata: {
        name: `${target.metadata.name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`,
        namespace,
      },
      eventTime: microTime(new Date()) as never,
      reportingController: 'switchboard.dev/operator',
      reportingInstance: instance,
      action,
      reason,
      type,
      note: note.slice(0, 1024),
      regarding: {
        apiVersion: target.apiVersion,
        kind: target.kind,
        name: target.metadata.name,
        namespace,
        uid: target.metadata.uid,
      },
    };
    // Fire and forget: an Event that cannot be written must not fail a reconcile.
    api.createNamespacedEvent({ namespace, body }).catch((err: unknown) => {
      logger.warn(
        { err: describeError(err), reason, object: `${namespace}/${target.metadata.name}` },
        'could not record event',
      );
    });
  };
  return {
    normal: (t, r, a, n) => emit('Normal', t, r, a, n),
    warning: (t, r, a, n) => emit('Warning', t, r, a, n),
  };
}
