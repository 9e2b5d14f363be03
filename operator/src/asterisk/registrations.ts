// Live registrations of one namespace's Asterisk: ContactStatus events keep
// the view current; after every (re)connect the whole picture is read again
// with PJSIPShowContacts (events missed while disconnected, or an Asterisk
// restart that dropped every registration). Events that arrive during that
// read are applied after it, so none is lost or undone.
import { describeError } from '../clients/errors.ts';
import type { Logger } from '../log.ts';
import type { AmiClient, AmiState } from './ami/client.ts';
import { type AmiEvent, contactListItem } from './ami/messages.ts';
import type { AsteriskView } from './view.ts';

type Client = Pick<AmiClient, 'list' | 'onEvent' | 'onState' | 'state'>;

interface ContactEvent {
  readonly endpoint: string;
  readonly uri: string;
  readonly status: string;
}

export class RegistrationTracker {
  readonly #ns: string;
  readonly #client: Client;
  readonly #view: AsteriskView;
  readonly #log: Logger;
  /** While a resync runs: the events to apply after it. */
  #buffer: ContactEvent[] | undefined;
  #generation = 0;

  constructor(namespace: string, client: Client, view: AsteriskView, logger: Logger) {
    this.#ns = namespace;
    this.#client = client;
    this.#view = view;
    this.#log = logger.child({ namespace, component: 'asterisk-registrations' });
    client.onEvent((e) => this.#onEvent(e));
    client.onState((s) => this.#onState(s));
    if (client.state === 'connected') void this.#resync();
  }

  #onEvent(e: AmiEvent): void {
    if (e.event !== 'ContactStatus' || !('endpointName' in e)) return;
    const c = { endpoint: e.endpointName, uri: e.uri, status: e.contactStatus };
    if (this.#buffer) this.#buffer.push(c);
    else this.#view.contactChanged(this.#ns, c.endpoint, c.uri, c.status);
  }

  #onState(state: AmiState): void {
    if (state === 'connected') void this.#resync();
  }

  async #resync(attempt = 1): Promise<void> {
    const generation = ++this.#generation;
    this.#buffer = [];
    try {
      const items = await this.#client.list(
        { action: 'PJSIPShowContacts' },
        'ContactList',
        'ContactListComplete',
      );
      if (generation !== this.#generation) return;
      this.#view.resetContacts(
        this.#ns,
        items.map((m) => {
          const c = contactListItem(m);
          return { endpoint: c.endpoint, uri: c.uri, status: c.status };
        }),
      );
      for (const c of this.#buffer)
        this.#view.contactChanged(this.#ns, c.endpoint, c.uri, c.status);
      this.#log.info({ contacts: items.length }, 'registrations resynchronised');
    } catch (err) {
      this.#log.warn({ err: describeError(err) }, 'reading registrations failed');
      if (generation === this.#generation) {
        // Keep events flowing, and read again: AMI answers logins before
        // Asterisk has loaded res_pjsip (while it boots), and the contacts
        // from before a restart must not stay in the view.
        for (const c of this.#buffer ?? [])
          this.#view.contactChanged(this.#ns, c.endpoint, c.uri, c.status);
        if (this.#client.state === 'connected') {
          const timer = setTimeout(
            () => {
              if (generation === this.#generation && this.#client.state === 'connected')
                void this.#resync(attempt + 1);
            },
            Math.min(250 * attempt, 2_000),
          );
          timer.unref?.();
        }
      }
    } finally {
      if (generation === this.#generation) this.#buffer = undefined;
    }
  }
}
