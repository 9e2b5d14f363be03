// Outbound registrations (SipTrunks registering with their carriers) of one
// namespace's Asterisk, as Asterisk reports them: PJSIPShowRegistrationsOutbound
// after every (re)connect, and again after each `Registry` event (Asterisk
// raises one per REGISTER outcome, naming the URIs rather than the
// registration) or res_pjsip reload. Reading the list again instead of
// matching URIs keeps the registration id exact; there are few trunks and
// a REGISTER outcome comes once per expiry, so the list stays cheap.
//
// The carriers' contacts (AORs "switchboard-trunk-*" whose qualifySeconds
// sends OPTIONS) are followed by ContactStatus events, and read once after
// every (re)connect from PJSIPShowEndpoints: a trunk's contact is permanent
// (the AOR's contact=), and PJSIPShowContacts lists only registered ones,
// but the endpoint's device state is Unavailable exactly while its qualified
// contacts are unreachable.
//
// The list's answer also carries AuthDetail events with the auth sections,
// passwords in clear: only OutboundRegistrationDetail items are kept, and
// nothing of the answer is ever logged.

import type { AmiClient, AmiState } from '../asterisk/ami/client.ts';
import type { AmiEvent } from '../asterisk/ami/messages.ts';
import { TRUNK_PREFIX } from '../asterisk/render/trunks.ts';
import { describeError } from '../clients/errors.ts';
import type { Logger } from '../log.ts';

type Client = Pick<AmiClient, 'action' | 'list' | 'onEvent' | 'onState' | 'state'>;

/** How long a reload waits for the carrier to confirm an unregistration. */
export const UNREGISTER_TIMEOUT_MS = 5_000;

const str = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? '') : (v ?? '');

export class TrunkRegistrations {
  readonly #client: Client;
  readonly #log: Logger;
  readonly #onChange: () => void;
  /** Registration id → Registered / Unregistered / Rejected; undefined while not known. */
  #statuses: Map<string, string> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  /** Failed reads in a row (the retry backs off up to 2 s). */
  #failures = 0;
  /** Trunk AOR → its contact's status (Reachable, Unreachable, …); undefined while not known. */
  #contacts: Map<string, string> | undefined;
  /** ContactStatus events that came before the read after connecting ended. */
  readonly #early = new Map<string, string>();
  /** Called after every read of the list (unregister() waits on them). */
  #waiters: (() => void)[] = [];

  constructor(client: Client, logger: Logger, onChange: () => void) {
    this.#client = client;
    this.#log = logger.child({ component: 'trunk-registrations' });
    this.#onChange = onChange;
    client.onEvent((e) => this.#onEvent(e));
    client.onState((s) => this.#onState(s));
    if (client.state === 'connected') {
      this.#refresh();
      void this.#readContacts();
    }
  }

  /** The status Asterisk reports for registration `id`; undefined while unknown (not connected). */
  status(id: string): { known: false } | { known: true; status: string | undefined } {
    return this.#statuses ? { known: true, status: this.#statuses.get(id) } : { known: false };
  }

  /** The status of the carrier's contact on AOR `id` (OPTIONS); undefined while unknown or not qualified. */
  contact(id: string): { known: false } | { known: true; status: string | undefined } {
    return this.#contacts ? { known: true, status: this.#contacts.get(id) } : { known: false };
  }

  /**
   * Unregisters the registrations `loaded` has and `next` does not, and waits
   * (at most UNREGISTER_TIMEOUT_MS) until Asterisk no longer reports them
   * Registered. Called before the res_pjsip reload that removes them: a
   * registration removed together with its auth or transport can no longer
   * unregister ("Unable to retrieve PJSIP transport"), and the carrier would
   * keep sending calls to us until the registration expires.
   */
  async unregisterRemoved(
    loaded: { readonly registrations?: ReadonlySet<string> } | undefined,
    next: { readonly registrations?: ReadonlySet<string> },
  ): Promise<void> {
    const gone = [...(loaded?.registrations ?? [])].filter((id) => !next.registrations?.has(id));
    const registered = gone.filter((id) => this.#statuses?.get(id) === 'Registered');
    if (registered.length === 0) return;
    for (const id of registered) {
      try {
        await this.#client.action({ action: 'PJSIPUnregister', registration: id });
      } catch (err) {
        this.#log.warn({ registration: id, err: describeError(err) }, 'unregistering failed');
      }
    }
    const deadline = performance.now() + UNREGISTER_TIMEOUT_MS;
    while (registered.some((id) => this.#statuses?.get(id) === 'Registered')) {
      const left = deadline - performance.now();
      if (left <= 0 || this.#closed || !this.#statuses) {
        this.#log.warn(
          { registrations: registered },
          'the carrier did not confirm unregistering in time',
        );
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #onEvent(e: AmiEvent): void {
    if (e.event === 'Registry' && 'fields' in e && str(e.fields.channeltype) === 'PJSIP')
      this.#refresh();
    else if (e.event === 'Reload' && 'module' in e && e.module === 'res_pjsip.so') this.#refresh();
    else if (e.event === 'ContactStatus' && 'aor' in e && e.aor.startsWith(TRUNK_PREFIX))
      this.#contactChanged(e.aor, e.contactStatus);
  }

  #contactChanged(aor: string, status: string): void {
    if (!this.#contacts) {
      // newer than the read after connecting, which is still running
      this.#early.set(aor, status);
      return;
    }
    if (this.#contacts.get(aor) === status) return;
    if (status === 'Removed') this.#contacts.delete(aor);
    else this.#contacts.set(aor, status);
    this.#onChange();
  }

  #onState(state: AmiState): void {
    if (state === 'connected') {
      this.#refresh();
      void this.#readContacts();
    } else if (this.#statuses || this.#contacts) {
      this.#statuses = undefined;
      this.#contacts = undefined;
      this.#early.clear();
      this.#onChange();
    }
  }

  /** Every trunk AOR's contact status, once after connecting. */
  async #readContacts(attempt = 1): Promise<void> {
    try {
      const items = await this.#client.list(
        { action: 'PJSIPShowEndpoints' },
        'EndpointList',
        'EndpointListComplete',
      );
      const next = new Map<string, string>();
      for (const m of items) {
        const id = str(m.objectname);
        const state = str(m.devicestate);
        if (!id.startsWith(TRUNK_PREFIX) || state === 'Unknown' || state === 'Invalid') continue;
        next.set(id, state === 'Unavailable' ? 'Unreachable' : 'Reachable');
      }
      for (const [aor, status] of this.#early)
        if (status === 'Removed') next.delete(aor);
        else next.set(aor, status);
      this.#early.clear();
      this.#contacts = next;
      this.#onChange();
    } catch (err) {
      this.#log.warn({ err: describeError(err) }, 'reading trunk contacts failed');
      if (this.#client.state === 'connected' && !this.#closed) {
        const timer = setTimeout(
          () => void this.#readContacts(attempt + 1),
          Math.min(250 * attempt, 2_000),
        );
        timer.unref?.();
      }
    }
  }

  /** Reads the list again; a request while one runs makes it run once more afterwards. */
  #refresh(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          const items = await this.#client.list(
            { action: 'PJSIPShowRegistrationsOutbound' },
            'OutboundRegistrationDetail',
            'OutboundRegistrationDetailComplete',
          );
          const next = new Map<string, string>();
          for (const m of items) next.set(str(m.objectname), str(m.status) || 'Unregistered');
          const before = this.#statuses;
          this.#statuses = next;
          this.#failures = 0;
          if (!before || !sameEntries(before, next)) this.#onChange();
          for (const wake of this.#waiters.splice(0)) wake();
        } catch (err) {
          // AMI answers before res_pjsip is loaded while Asterisk boots: read again shortly.
          this.#failures++;
          this.#log.warn({ err: describeError(err) }, 'reading outbound registrations failed');
          if (this.#client.state === 'connected' && !this.#closed) {
            clearTimeout(this.#retry);
            this.#retry = setTimeout(() => this.#refresh(), Math.min(250 * this.#failures, 2_000));
            this.#retry.unref?.();
          }
          break;
        }
      } while (this.#again && !this.#closed);
    })().finally(() => {
      this.#running = undefined;
    });
  }
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
