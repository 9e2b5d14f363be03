// The rotation loop: log in with the new secret on a second session until
// Asterisk accepts it, asking Asterisk (through the serving session) to
// re-read its AMI users after each refusal, since the kubelet projects the new
// manager_user.conf some time after the Secret changed. What to do after each
// attempt is rotationStep's (pure); this is the I/O around it.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../../clients/errors.ts';
import type { Logger } from '../../log.ts';
import { reloadModule } from '../apply/reload.ts';
import {
  type AmiClient,
  type AmiCredentials,
  AmiLoginRefused,
  type HandOverKind,
} from './client.ts';
import { type RotationStepOptions, rotationStep } from './rotation.ts';

export type RotatingClient = Pick<
  AmiClient,
  'state' | 'ready' | 'rotate' | 'usesCredentials' | 'action'
>;

export interface RotationOutcome {
  /** From the start to serving from a session logged in with the new secret. */
  readonly ms: number;
  /** Logins tried with the new secret, and AMI user reloads asked of Asterisk. */
  readonly attempts: number;
  readonly reloads: number;
  /** 'reconnect': the serving session was lost and the reconnect got in with the new secret. */
  readonly handover: HandOverKind | 'reconnect';
}

export interface RotateOptions extends RotationStepOptions {
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Asks Asterisk to re-read its AMI users (default: Reload, module manager). */
  readonly reloadUsers?: () => Promise<void>;
  /** Once, when Asterisk still refuses after warnAfterMs (logged too). */
  readonly onStuck?: (attempts: number) => void;
}

/** Resolves once the client serves with `credentials`; undefined when aborted first. */
export async function rotateUntilAccepted(
  client: RotatingClient,
  credentials: AmiCredentials,
  options: RotateOptions,
): Promise<RotationOutcome | undefined> {
  const { signal, logger: log } = options;
  const reloadUsers =
    options.reloadUsers ??
    (async () => {
      await reloadModule(client, 'manager', { signal });
    });
  const started = performance.now();
  let attempts = 0;
  let reloads = 0;
  let warned = false;
  const outcome = (handover: RotationOutcome['handover']): RotationOutcome => ({
    ms: Math.round(performance.now() - started),
    attempts,
    reloads,
    handover,
  });
  while (!signal.aborted) {
    if (client.state !== 'connected') {
      // The serving session was lost: the reconnect tries both secrets.
      await client.ready(60_000).catch(() => {});
      continue;
    }
    // A reconnect meanwhile (also during a reload's wait) got in with the new secret.
    if (client.usesCredentials(credentials)) return outcome('reconnect');
    attempts++;
    let result: 'refused' | 'failed';
    try {
      return outcome(await client.rotate(credentials));
    } catch (err) {
      result = err instanceof AmiLoginRefused ? 'refused' : 'failed';
      log.debug({ attempt: attempts, err: describeError(err) }, 'new AMI secret not accepted yet');
    }
    const step = rotationStep(attempts, result, performance.now() - started, options);
    if (step.overdue && !warned) {
      warned = true;
      log.warn(
        { attempts },
        'Asterisk still refuses the new AMI secret: does its manager_user.conf (the same Secret) carry it?',
      );
      options.onStuck?.(attempts);
    }
    if (step.waitMs) await sleep(step.waitMs, undefined, { signal }).catch(() => {});
    if (signal.aborted) break;
    if (step.reload) {
      try {
        await reloadUsers();
        reloads++;
      } catch (err) {
        log.debug({ err: describeError(err) }, 'Reload manager failed');
      }
    }
  }
  return undefined;
}
