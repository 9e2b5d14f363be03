// <sb-hr-page>: the admin's agents page. The server pages and searches (it
// stays fast with 10,000 agents); the page asks for one page at a time,
// debounces typing and drops answers to superseded searches.
import { html, LitElement, nothing } from 'lit';
import { changedText, errorText } from '../agentstate/agent-state-text.ts';
import { ApiError, request } from '../api/client.ts';
import type {
  AgentStates,
  AgentStateView,
  ApiUser,
  CredentialsAnswer,
  Stats,
  UserPage,
} from '../api/types.ts';
import type { SbConfirmDialog } from '../ui/sb-confirm-dialog.ts';
import { pageStyles } from '../ui/styles.ts';
import { hrStyles } from './hr-styles.ts';
import type { SbAddAgentForm } from './sb-add-agent-form.ts';
import type { SbAgentStateDialog } from './sb-agent-state-dialog.ts';
import type { AgentAction } from './sb-agent-table.ts';
import type { SbCredentialsDialog } from './sb-credentials-dialog.ts';
import '../ui/sb-confirm-dialog.ts';
import './sb-add-agent-form.ts';
import './sb-agent-state-dialog.ts';
import './sb-agent-table.ts';
import './sb-credentials-dialog.ts';

const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 200;

export class SbHrPage extends LitElement {
  static override properties = {
    _page: { state: true },
    _stats: { state: true },
    _search: { state: true },
    _filter: { state: true },
    _pageNo: { state: true },
    _error: { state: true },
    _notice: { state: true },
    _busyId: { state: true },
    _loading: { state: true },
    _states: { state: true },
    _statesError: { state: true },
  };

  static override styles = [pageStyles, hrStyles];

  declare _page: UserPage | undefined;
  declare _stats: Stats | undefined;
  declare _search: string;
  declare _filter: string;
  declare _pageNo: number;
  declare _error: string | undefined;
  declare _notice: string | undefined;
  declare _busyId: string | undefined;
  declare _loading: boolean;
  /** Queue states by agent id, read with each page (GET /hr/agent-states). */
  declare _states: ReadonlyMap<string, AgentStateView> | undefined;
  /** Why the states could not be read (503: no replica steers Asterisk now): the table goes on without. */
  declare _statesError: string | undefined;
  #pauseReasons: readonly string[] = [];
  #abort: AbortController | undefined;
  #debounce: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this._page = undefined;
    this._stats = undefined;
    this._search = '';
    this._filter = 'all';
    this._pageNo = 1;
    this._error = undefined;
    this._notice = undefined;
    this._busyId = undefined;
    this._loading = false;
    this._states = undefined;
    this._statesError = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
    clearTimeout(this.#debounce);
  }

  /** Reloads the current page of agents and the stats. */
  async refresh(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const params = new URLSearchParams({
      accountType: 'agent',
      search: this._search,
      filter: this._filter,
      page: String(this._pageNo),
      pageSize: String(PAGE_SIZE),
    });
    this._loading = true;
    try {
      const [page, stats] = await Promise.all([
        request<UserPage>('GET', `/hr/users?${params}`, undefined, abort.signal),
        request<{ stats: Stats }>('GET', '/hr/stats', undefined, abort.signal),
      ]);
      if (abort.signal.aborted) return;
      this._page = page;
      this._stats = stats.stats;
      this._error = undefined;
      // the states of this page's agents only; their failure never takes the table down
      const ids = page.users.map((u) => u.id).join(',');
      const states = await request<AgentStates>(
        'GET',
        `/hr/agent-states?${new URLSearchParams({ ids })}`,
        undefined,
        abort.signal,
      ).then(
        (answer) => ({ answer }),
        (err: unknown) => ({ err }),
      );
      this.#takeStates(states, abort.signal);
      const lastPage = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
      if (this._pageNo > lastPage) {
        this._pageNo = lastPage;
        void this.refresh();
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      this._error = err instanceof ApiError ? err.message : String(err);
    } finally {
      if (this.#abort === abort) this._loading = false;
    }
  }

  #takeStates(states: { answer: AgentStates } | { err: unknown }, signal: AbortSignal) {
    if (signal.aborted) return;
    if ('answer' in states) {
      this._states = new Map(states.answer.items.map((v) => [v.agent, v]));
      this.#pauseReasons = states.answer.pauseReasons;
      this._statesError = undefined;
    } else if ((states.err as Error).name !== 'AbortError') {
      this._states = undefined;
      this._statesError = errorText(states.err);
    }
  }

  /** The admin sets an agent's queue state (PUT /hr/users/:id/state) in the state dialog. */
  async #setState(user: ApiUser) {
    this._error = undefined;
    this._notice = undefined;
    await this.#dialog<SbAgentStateDialog>('sb-agent-state-dialog').open(
      user.name,
      this._states?.get(user.id),
      this.#pauseReasons,
      async (change) => {
        const path = `/hr/users/${encodeURIComponent(user.id)}/state`;
        const view = await request<AgentStateView>('PUT', path, change);
        this._states = new Map(this._states ?? []).set(user.id, view);
        this._notice = changedText(user.name, change);
        void this.refresh();
      },
    );
  }

  #onSearch(e: InputEvent) {
    this._search = (e.target as HTMLInputElement).value;
    this._pageNo = 1;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.refresh(), SEARCH_DELAY_MS);
  }

  #onFilter(e: Event) {
    this._filter = (e.target as HTMLSelectElement).value;
    this._pageNo = 1;
    void this.refresh();
  }

  #goTo(page: number) {
    this._pageNo = page;
    void this.refresh();
  }

  #dialog<T>(selector: string): T {
    return this.renderRoot.querySelector(selector) as T;
  }

  async #onCreated(e: CustomEvent<CredentialsAnswer>) {
    const { user, sipCredentials } = e.detail;
    this._notice = `${user.name} was created with extension ${sipCredentials.extension ?? '–'}.`;
    void this.refresh();
    await this.#dialog<SbCredentialsDialog>('sb-credentials-dialog').show(
      `SIP credentials for ${user.name}`,
      sipCredentials,
    );
  }

  async #onAction(e: CustomEvent<{ action: AgentAction; user: ApiUser }>) {
    const { action, user } = e.detail;
    if (action === 'state') return this.#setState(user);
    const confirm = this.#dialog<SbConfirmDialog>('sb-confirm-dialog');
    if (action === 'regenerate') {
      const ok = await confirm.ask(
        `Regenerate SIP credentials for ${user.name}?`,
        'A new SIP username and password are made; the current password stops working at once and registered phones are signed out.',
        'Regenerate',
      );
      if (!ok) return;
    }
    if (action === 'delete') {
      const ok = await confirm.ask(
        `Delete ${user.name}?`,
        `The agent, extension ${user.sipExtension ?? '–'} and the SIP credentials are removed. This cannot be undone.`,
        'Delete',
      );
      if (!ok) return;
    }
    this._busyId = user.id;
    this._error = undefined;
    this._notice = undefined;
    try {
      const path = `/hr/users/${encodeURIComponent(user.id)}`;
      if (action === 'regenerate') {
        const answer = await request<CredentialsAnswer>('POST', `${path}/regenerate-sip`, {});
        void this.refresh();
        await this.#dialog<SbCredentialsDialog>('sb-credentials-dialog').show(
          `New SIP credentials for ${user.name}`,
          answer.sipCredentials,
        );
      } else if (action === 'delete') {
        await request('DELETE', path);
        this._notice = `${user.name} was deleted.`;
      } else {
        await request('PATCH', path, { suspended: action === 'suspend' });
        this._notice = `${user.name} was ${action === 'suspend' ? 'suspended' : 'resumed'}.`;
      }
    } catch (err) {
      this._error = err instanceof ApiError ? err.message : String(err);
    } finally {
      this._busyId = undefined;
      void this.refresh();
    }
  }

  #stats() {
    const s = this._stats;
    const card = (label: string, value: number | undefined) =>
      html`<div class="card"><div class="value">${value ?? '…'}</div><div class="label">${label}</div></div>`;
    return html`<section class="stats" aria-label="Statistics">
      ${card('Agents', s?.totalAgents)} ${card('With SIP credentials', s?.withSipCredentials)}
      ${card('Registered now', s?.registeredNow)} ${card('Suspended', s?.suspended)}
    </section>`;
  }

  #pager() {
    const p = this._page;
    if (!p || p.total === 0) return nothing;
    const last = Math.max(1, Math.ceil(p.total / p.pageSize));
    const from = (p.page - 1) * p.pageSize + 1;
    const to = Math.min(p.total, p.page * p.pageSize);
    return html`<nav class="pager" aria-label="Pages">
      <span role="status">${from}–${to} of ${p.total}</span>
      <button type="button" ?disabled=${p.page <= 1} @click=${() => this.#goTo(p.page - 1)}>Previous</button>
      <button type="button" ?disabled=${p.page >= last} @click=${() => this.#goTo(p.page + 1)}>Next</button>
    </nav>`;
  }

  override render() {
    return html`<h1>Agents</h1>
      ${this.#stats()}
      ${this._error ? html`<p class="alert" role="alert">${this._error}</p>` : nothing}
      ${this._notice ? html`<p class="notice" role="status">${this._notice}</p>` : nothing}
      <div class="toolbar">
        <div class="field grow">
          <label for="search">Search</label>
          <input id="search" type="search" placeholder="Name, extension, SIP username or phone" .value=${this._search} @input=${this.#onSearch} autocomplete="off" />
        </div>
        <div class="field">
          <label for="filter">Show</label>
          <select id="filter" .value=${this._filter} @change=${this.#onFilter}>
            <option value="all">All agents</option>
            <option value="registered">Registered</option>
            <option value="unregistered">Not registered</option>
            <option value="suspended">Suspended</option>
            <option value="unconfigured">Without SIP credentials</option>
          </select>
        </div>
        <button class="primary" type="button" @click=${() => this.#dialog<SbAddAgentForm>('sb-add-agent-form').open()}>Add agent</button>
      </div>
      <div aria-busy=${this._loading ? 'true' : 'false'}>
        ${this._page ? html`<sb-agent-table .users=${this._page.users} .busyId=${this._busyId} .states=${this._states} .statesError=${this._statesError} @agent-action=${this.#onAction}></sb-agent-table>` : html`<p>Loading agents…</p>`}
      </div>
      ${this.#pager()}
      <sb-add-agent-form @agent-created=${this.#onCreated}></sb-add-agent-form>
      <sb-credentials-dialog></sb-credentials-dialog>
      <sb-agent-state-dialog></sb-agent-state-dialog>
      <sb-confirm-dialog></sb-confirm-dialog>`;
  }
}

if (!customElements.get('sb-hr-page')) customElements.define('sb-hr-page', SbHrPage);

declare global {
  interface HTMLElementTagNameMap {
    'sb-hr-page': SbHrPage;
  }
}
