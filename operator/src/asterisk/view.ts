// What the operator knows about each namespace's Asterisk: the AMI connection,
// where the apply loop is, which agents Asterisk has loaded (and from which
// rendering of them), and the registered contacts. The SipAgent and
// WebRTCConfig controllers read it to write status; whoever changes it names
// the agents whose status may change, and the controllers' queues batch them.
//
// Outages: an AMI connection that stays down past a short grace (a blip that
// reconnects costs no status write) makes what Asterisk has loaded and who is
// registered unknown. Every agent then shows Provisioned=False
// AsteriskNotConnected and no contacts (one notification of all agents), until
// Asterisk is back and the reload after the reconnect is confirmed (another).
// The agent message is the one from the moment the outage was declared: the
// WebRTCConfig's AsteriskConnected follows every retry, 10,000 agents do not.
import type { ConditionInput } from '../status/conditions.ts';

export type ConnectionState =
  | { readonly state: 'unconfigured'; readonly message: string }
  | {
      readonly state: 'connecting' | 'connected' | 'disconnected';
      readonly message: string;
      /** Connected to an Asterisk that is stopping gracefully (drain.ts): no new calls. */
      readonly draining?: boolean;
    };

export type ApplyPhase =
  | { readonly phase: 'idle' }
  | { readonly phase: 'waiting' | 'reloading'; readonly message: string }
  | { readonly phase: 'not-visible' | 'failed'; readonly message: string };

interface Loaded {
  readonly fingerprint: string;
  readonly loaded: boolean;
  /** Asterisk runs an older revision of the endpoint: it rejected this one. */
  readonly retained: boolean;
  readonly endpoint: string;
  readonly version: string;
}

interface NamespaceView {
  connection: ConnectionState;
  phase: ApplyPhase;
  loaded: Map<string, Loaded>;
  /** endpoint → contact URI → ContactStatus */
  contacts: Map<string, Map<string, string>>;
  /** endpoint → agent name, from the last rendered version. */
  owners: Map<string, string>;
  /**
   * Provisioned message of every agent while an outage lasts: set once the
   * connection stayed down past the grace, cleared when Asterisk confirms a
   * reload after the reconnect (or the re-apply fails visibly).
   */
  outage: string | undefined;
  /** Runs while a lost connection is within its grace. */
  grace: NodeJS.Timeout | undefined;
}

/** Provisioned of an agent Asterisk has not confirmed (yet). Stable wording: no counters or ids. */
function pendingCondition(v: NamespaceView | undefined): ConditionInput {
  const connection = v?.connection ?? UNCONFIGURED;
  const c = (
    status: ConditionInput['status'],
    reason: string,
    message: string,
  ): ConditionInput => ({
    type: 'Provisioned',
    status,
    reason,
    message,
  });
  // Not seen by the WebRTCConfig controller yet: pending like any agent waiting for
  // a reload, so an agent created in that moment does not get a status write for a
  // state that lasts milliseconds.
  if (connection === UNCONFIGURED) return c('Unknown', 'Applying', APPLYING);
  if (connection.state === 'unconfigured')
    return c('False', 'AsteriskNotConfigured', connection.message);
  if (v?.outage !== undefined) return c('False', 'AsteriskNotConnected', v.outage);
  // Connected, a first attempt (nothing applied yet: the phase is idle, so pending,
  // as above) or a loss still within its grace: shown as before the loss.
  const phase = v?.phase ?? { phase: 'idle' };
  if (phase.phase === 'not-visible') return c('False', 'ConfigNotVisible', phase.message);
  if (phase.phase === 'failed') return c('False', 'ApplyFailed', phase.message);
  return c('Unknown', 'Applying', APPLYING);
}

const APPLYING = 'waiting for Asterisk to load the configuration';

function sameCondition(a: ConditionInput, b: ConditionInput): boolean {
  return a.status === b.status && a.reason === b.reason && a.message === b.message;
}

export type ViewListener = (namespace: string, agents: readonly string[] | 'all') => void;

const UNCONFIGURED: ConnectionState = {
  state: 'unconfigured',
  message: 'no Asterisk is configured for this namespace',
};

export interface AsteriskViewOptions {
  /**
   * How long a lost AMI connection may take to come back before every agent
   * shows the outage (default 2 s).
   */
  readonly outageGraceMs?: number;
}

export class AsteriskView {
  readonly #graceMs: number;
  readonly #namespaces = new Map<string, NamespaceView>();
  readonly #agentListeners: ViewListener[] = [];
  readonly #namespaceListeners: ((namespace: string) => void)[] = [];

  constructor(options: AsteriskViewOptions = {}) {
    this.#graceMs = options.outageGraceMs ?? 2_000;
  }

  #ns(namespace: string): NamespaceView {
    let v = this.#namespaces.get(namespace);
    if (!v) {
      v = {
        connection: UNCONFIGURED,
        phase: { phase: 'idle' },
        loaded: new Map(),
        contacts: new Map(),
        owners: new Map(),
        outage: undefined,
        grace: undefined,
      };
      this.#namespaces.set(namespace, v);
    }
    return v;
  }

  /** Agents whose status may have changed ('all': every agent of the namespace). */
  onAgentsChanged(cb: ViewListener): void {
    this.#agentListeners.push(cb);
  }

  /** The namespace's connection changed (the WebRTCConfig's AsteriskConnected condition). */
  onNamespaceChanged(cb: (namespace: string) => void): void {
    this.#namespaceListeners.push(cb);
  }

  #notify(namespace: string, agents: readonly string[] | 'all'): void {
    if (agents !== 'all' && agents.length === 0) return;
    for (const cb of this.#agentListeners) cb(namespace, agents);
  }

  connection(namespace: string): ConnectionState {
    return this.#namespaces.get(namespace)?.connection ?? UNCONFIGURED;
  }

  setConnection(namespace: string, connection: ConnectionState): void {
    const v = this.#ns(namespace);
    if (v.connection.state === connection.state && v.connection.message === connection.message)
      return;
    const before = pendingCondition(v);
    const hadLoaded = v.loaded.size > 0 || v.contacts.size > 0;
    v.connection = connection;
    if (connection.state === 'connected' || connection.state === 'unconfigured') {
      clearTimeout(v.grace);
      v.grace = undefined;
    } else if (connection.state === 'disconnected' && !v.grace && v.outage === undefined) {
      // "connecting" neither starts the grace (a first attempt is pending, not
      // failed) nor ends it (a retry that has not succeeded yet).
      v.grace = setTimeout(() => this.#declareOutage(namespace), this.#graceMs);
      v.grace.unref();
    }
    let forgotten = false;
    if (connection.state === 'unconfigured') {
      // No Asterisk any more: nothing it loaded or registered stands.
      v.outage = undefined;
      v.loaded = new Map();
      v.contacts = new Map();
      v.phase = { phase: 'idle' };
      forgotten = hadLoaded;
    }
    for (const cb of this.#namespaceListeners) cb(namespace);
    if (forgotten || !sameCondition(before, pendingCondition(v))) this.#notify(namespace, 'all');
  }

  /** The connection stayed down past the grace: nothing Asterisk had is known any more. */
  #declareOutage(namespace: string): void {
    const v = this.#namespaces.get(namespace);
    if (!v) return;
    v.grace = undefined;
    const state = v.connection.state;
    if (state === 'connected' || state === 'unconfigured' || v.outage !== undefined) return;
    v.outage = `no Asterisk connected: ${v.connection.message}; provisioned again once AMI is back and Asterisk has reloaded`;
    // Asterisk may restart meanwhile: everything is confirmed afresh after the reconnect.
    v.loaded = new Map();
    v.contacts = new Map();
    v.phase = { phase: 'idle' };
    this.#notify(namespace, 'all');
  }

  /** An outage is over: Asterisk is back and what it has is known again. */
  #endOutage(namespace: string, v: NamespaceView): boolean {
    if (v.outage === undefined) return false;
    v.outage = undefined;
    // Once for every agent, contacts included (their changes were not told meanwhile).
    this.#notify(namespace, 'all');
    return true;
  }

  setPhase(namespace: string, phase: ApplyPhase): void {
    const v = this.#ns(namespace);
    // A step that failed because the connection went is the connection's failure,
    // which the outage (or, within the grace, nothing) reports; the step is redone.
    if (phase.phase === 'failed' && v.connection.state !== 'connected') return;
    const before = pendingCondition(v);
    v.phase = phase;
    // Back, but the re-apply fails: that, not the old outage, is what agents show now.
    if (
      (phase.phase === 'failed' || phase.phase === 'not-visible') &&
      this.#endOutage(namespace, v)
    )
      return;
    // Only what agents would show matters: waiting and reloading look alike to them.
    if (!sameCondition(before, pendingCondition(v))) this.#notify(namespace, 'all');
  }

  /** The endpoint owners of the version being applied (contact events name endpoints). */
  setOwners(namespace: string, endpoints: ReadonlyMap<string, string>): void {
    const owners = this.#ns(namespace).owners;
    owners.clear();
    for (const [agent, endpoint] of endpoints) owners.set(endpoint, agent);
  }

  /**
   * Asterisk reloaded `version`: exactly these agents were rendered into it,
   * and `present` says which endpoints it now has. Replaces what was known.
   */
  confirm(
    namespace: string,
    version: string,
    agents: ReadonlyMap<string, string>,
    endpoints: ReadonlyMap<string, string>,
    present: ReadonlySet<string>,
    retained: ReadonlySet<string> = new Set(),
  ): void {
    const v = this.#ns(namespace);
    const next = new Map<string, Loaded>();
    const changed: string[] = [];
    for (const [name, fingerprint] of agents) {
      const endpoint = endpoints.get(name) ?? '';
      const l: Loaded = {
        fingerprint,
        loaded: present.has(endpoint),
        retained: retained.has(endpoint),
        endpoint,
        version,
      };
      const old = v.loaded.get(name);
      // An agent whose configuration did not change keeps the version it was first
      // loaded in: naming every new version would rewrite every agent's status on
      // every reload (10,000 status writes per reload at 10,000 agents).
      if (
        old &&
        old.fingerprint === l.fingerprint &&
        old.loaded === l.loaded &&
        old.retained === l.retained &&
        old.endpoint === l.endpoint
      ) {
        next.set(name, old);
      } else {
        next.set(name, l);
        changed.push(name);
      }
    }
    for (const name of v.loaded.keys()) if (!next.has(name)) changed.push(name);
    v.loaded = next;
    if (!this.#endOutage(namespace, v)) this.#notify(namespace, changed);
  }

  /** Provisioned for an agent that belongs in Asterisk, rendered as `fingerprint`. */
  provisioned(namespace: string, agent: string, fingerprint: string): ConditionInput {
    const v = this.#namespaces.get(namespace);
    const loaded = v?.outage === undefined ? v?.loaded.get(agent) : undefined;
    if (loaded?.fingerprint === fingerprint) {
      return loaded.loaded
        ? {
            type: 'Provisioned',
            status: 'True',
            reason: 'Loaded',
            message: `Asterisk has loaded endpoint ${loaded.endpoint} (configuration ${loaded.version})`,
          }
        : loaded.retained
          ? {
              type: 'Provisioned',
              status: 'False',
              reason: 'NotLoaded',
              message: `Asterisk reloaded configuration ${loaded.version} but kept the previous configuration of endpoint ${loaded.endpoint}: it rejected the new one (see the Asterisk log)`,
            }
          : {
              type: 'Provisioned',
              status: 'False',
              reason: 'NotLoaded',
              message: `Asterisk reloaded configuration ${loaded.version} but has no endpoint ${loaded.endpoint}: it rejected the agent's configuration (see the Asterisk log)`,
            };
    }
    return pendingCondition(v);
  }

  /** Contacts of an endpoint as Asterisk last reported them (none known in an outage). */
  registration(namespace: string, endpoint: string): { registered: boolean; contacts: number } {
    const contacts = this.#namespaces.get(namespace)?.contacts.get(endpoint);
    if (!contacts) return { registered: false, contacts: 0 };
    let reachable = 0;
    for (const status of contacts.values()) if (status !== 'Unreachable') reachable++;
    return { registered: reachable > 0, contacts: contacts.size };
  }

  /** One ContactStatus event. */
  contactChanged(namespace: string, endpoint: string, uri: string, status: string): void {
    const v = this.#ns(namespace);
    let contacts = v.contacts.get(endpoint);
    if (status === 'Removed') {
      if (!contacts?.delete(uri)) return;
      if (contacts.size === 0) v.contacts.delete(endpoint);
    } else {
      if (!contacts) {
        contacts = new Map();
        v.contacts.set(endpoint, contacts);
      }
      if (contacts.get(uri) === status) return;
      contacts.set(uri, status);
    }
    const owner = v.owners.get(endpoint);
    // In an outage the end of it tells every agent at once.
    if (owner && v.outage === undefined) this.#notify(namespace, [owner]);
  }

  /** Every contact Asterisk has now (after a (re)connect): replaces what was known. */
  resetContacts(
    namespace: string,
    list: readonly { endpoint: string; uri: string; status: string }[],
  ): void {
    const v = this.#ns(namespace);
    const before = v.contacts;
    const next = new Map<string, Map<string, string>>();
    for (const c of list) {
      const m = next.get(c.endpoint) ?? new Map<string, string>();
      next.set(c.endpoint, m);
      m.set(c.uri, c.status);
    }
    v.contacts = next;
    const changed = new Set<string>();
    for (const endpoint of new Set([...before.keys(), ...next.keys()])) {
      const a = before.get(endpoint);
      const b = next.get(endpoint);
      const same =
        a !== undefined &&
        b !== undefined &&
        a.size === b.size &&
        [...a].every(([uri, s]) => b.get(uri) === s);
      const owner = v.owners.get(endpoint);
      if (!same && owner) changed.add(owner);
    }
    if (v.outage === undefined) this.#notify(namespace, [...changed]);
  }

  /** The namespace's Asterisk is gone from the configuration (WebRTCConfig deleted or no AMI). */
  forget(namespace: string): void {
    clearTimeout(this.#namespaces.get(namespace)?.grace);
    if (!this.#namespaces.delete(namespace)) return;
    for (const cb of this.#namespaceListeners) cb(namespace);
    this.#notify(namespace, 'all');
  }
}
