// What every agent's softphone is told about Asterisk itself: that it is
// stopping gracefully for an upgrade or a restart (drain), read from the
// WebRTCConfig's AsteriskConnected condition, which the leader writes and
// every replica's cache holds (the replica serving the page has no AMI of
// its own). Streamed by GET /softphone/events as event "asterisk".
import type { WebRTCConfig } from '../../crds/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { KeyedListeners } from '../keyed-listeners.ts';

export interface AsteriskNotice {
  readonly draining: boolean;
  /** Words for the agent while draining; null otherwise. */
  readonly message: string | null;
}

export const DRAINING_NOTICE =
  'The call center is restarting for maintenance: a call in progress goes on; new calls are possible again in a moment.';

/** Pure: the notice for the namespace's WebRTCConfig "default". */
export function asteriskNoticeOf(config: WebRTCConfig | undefined): AsteriskNotice {
  const connected = config?.status?.conditions?.find((c) => c.type === 'AsteriskConnected');
  const draining = connected?.status === 'True' && connected.reason === 'Draining';
  return { draining, message: draining ? DRAINING_NOTICE : null };
}

/** Fans WebRTCConfig "default" changes out to the open streams (one informer handler). */
export class AsteriskNotices {
  readonly #listeners = new KeyedListeners<(n: AsteriskNotice) => void>();
  readonly #configs: Informer<WebRTCConfig>;
  readonly #namespace: string;

  constructor(configs: Informer<WebRTCConfig>, namespace: string) {
    this.#configs = configs;
    this.#namespace = namespace;
    const notify = (c: WebRTCConfig) => {
      if (c.metadata.namespace !== namespace || c.metadata.name !== 'default') return;
      for (const l of this.#listeners.of('default')) l(asteriskNoticeOf(c));
    };
    configs.on('add', notify);
    configs.on('update', notify);
    configs.on('delete', () => {
      for (const l of this.#listeners.of('default')) l(asteriskNoticeOf(undefined));
    });
  }

  now(): AsteriskNotice {
    return asteriskNoticeOf(this.#configs.get('default', this.#namespace));
  }

  /** Calls `listener` on every change of the WebRTCConfig; returns the unsubscribe. */
  watch(listener: (n: AsteriskNotice) => void): () => void {
    return this.#listeners.watch('default', listener);
  }
}
