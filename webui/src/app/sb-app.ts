// <sb-app>: the shell. Knows who is signed in (GET /auth/session), picks the
// page for the path (routes.ts), keeps history in step, and hands the
// softphone and dialer their settings from GET /softphone/config.
import { html, LitElement, nothing } from 'lit';
import { ApiError, api, onSignedOut, request } from '../api/client.ts';
import type { Session, SoftphoneConfig } from '../api/types.ts';
import type { SuperviseDetail } from '../monitor/supervise-buttons.ts';
import type { LineDetail } from '../softphone/sb-softphone.ts';
import { pageStyles } from '../ui/styles.ts';
import { appStyles } from './app-styles.ts';
import { forbiddenText, navFor, resolveRoute, type View } from './routes.ts';
import '../hr/sb-hr-page.ts';
import '../login/sb-login.ts';
import '../settings/sb-webrtc-settings.ts';
import '../softphone/sb-softphone.ts';
import '../softphone/sb-own-history.ts';
import '../dialer/sb-call-dialer.ts';
import '../monitor/sb-monitor-page.ts';
import '../reports/sb-reports-page.ts';
import '../guest/sb-guest-call.ts';

type SignedIn = Extract<Session, { authenticated: true }>;

export class SbApp extends LitElement {
  static override properties = {
    _session: { state: true },
    _path: { state: true },
    _phoneConfig: { state: true },
    _phoneError: { state: true },
    _bootError: { state: true },
    _lineReady: { state: true },
  };

  static override styles = [pageStyles, appStyles];

  declare _session: Session | undefined;
  declare _path: string;
  declare _phoneConfig: SoftphoneConfig | undefined;
  declare _phoneError: string | undefined;
  declare _bootError: string | undefined;
  /** The softphone's line is registered (the wallboard offers Listen/Whisper/Barge). */
  declare _lineReady: boolean;
  #unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this._session = undefined;
    this._path = location.pathname;
    this._phoneConfig = undefined;
    this._phoneError = undefined;
    this._bootError = undefined;
    this._lineReady = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('popstate', this.#onPopState);
    this.#unsubscribe = onSignedOut(() => void this.#loadSession());
    void this.#loadSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('popstate', this.#onPopState);
    this.#unsubscribe?.();
  }

  readonly #onPopState = () => {
    this._path = location.pathname;
  };

  async #loadSession() {
    try {
      this._session = await api.session();
      this._bootError = undefined;
    } catch (err) {
      this._bootError = err instanceof ApiError ? err.message : String(err);
    }
  }

  navigate(path: string, replace = false): void {
    if (path === location.pathname) return;
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    this._path = path;
  }

  #onLinkClick(e: MouseEvent) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    this.navigate((e.currentTarget as HTMLAnchorElement).pathname);
  }

  async #signOut() {
    await api.logout().catch(() => undefined);
    this._phoneConfig = undefined;
    await this.#loadSession();
  }

  async #loadPhoneConfig() {
    if (this._phoneConfig || this._phoneError) return;
    try {
      this._phoneConfig = await request<SoftphoneConfig>('GET', '/softphone/config');
    } catch (err) {
      this._phoneError = err instanceof ApiError ? err.message : String(err);
    }
  }

  #page(view: View) {
    switch (view) {
      case 'hr':
        return html`<sb-hr-page></sb-hr-page>`;
      case 'settings':
        return html`<sb-webrtc-settings></sb-webrtc-settings>`;
      case 'monitor':
        return html`<sb-monitor-page .supervise=${this._lineReady}></sb-monitor-page>`;
      case 'reports':
        return html`<sb-reports-page></sb-reports-page>`;
      case 'softphone':
        return html`<h1>Softphone</h1>`; // the phone itself: #phone
      case 'dialer': {
        void this.#loadPhoneConfig();
        if (this._phoneError) return html`<p class="alert" role="alert">${this._phoneError}</p>`;
        if (!this._phoneConfig) return html`<p>Loading the phone settings…</p>`;
        const c = this._phoneConfig;
        return html`<h1>Call dialer</h1>
            <sb-call-dialer .config=${{ wsUrl: c.wsUrl, iceServers: c.iceServers, hotline: c.hotline }}></sb-call-dialer>`;
      }
      case 'forbidden':
        return html`<h1>Not for this account</h1><p class="alert" role="alert">${forbiddenText(this._path)}</p>`;
      default:
        return html`<h1>Page not found</h1><p>There is no page at ${this._path}.</p>`;
    }
  }

  /**
   * The softphone: on its own page, and docked beside the wallboard for
   * whoever may listen in (a supervisor, an admin). One element in one place
   * of the template: going between the two pages keeps the line registered
   * and a call going.
   */
  #phone(view: View, session: SignedIn) {
    const docked = view === 'monitor' && session.role !== 'agent';
    if (view !== 'softphone' && !docked) return nothing;
    void this.#loadPhoneConfig();
    if (this._phoneError) return html`<p class="alert" role="alert">${this._phoneError}</p>`;
    if (!this._phoneConfig) return html`<p>Loading the phone settings…</p>`;
    const c = this._phoneConfig;
    const line = session.role === 'admin' ? undefined : session;
    return html`<aside class=${docked ? 'phone-dock' : 'phone-page'} aria-label="Your line">
      <sb-softphone
        .config=${{ wsUrl: c.wsUrl, iceServers: c.iceServers }}
        username=${c.username ?? line?.sipUsername ?? ''}
        extension=${c.extension == null ? '' : String(c.extension)}
        line-events=${line ? '/softphone/events' : nothing}
        directory="/softphone/directory"
        ?agent-state=${line !== undefined}
        ?call-notes=${line !== undefined}
        .dispositions=${c.dispositions ?? []}
        @sb-line=${(e: CustomEvent<LineDetail>) => {
          this._lineReady = e.detail.registered;
        }}
      ></sb-softphone>
      ${line && !docked ? html`<sb-own-history></sb-own-history>` : nothing}
    </aside>`;
  }

  /** Listen/Whisper/Barge on the wallboard: the docked softphone dials the code. */
  readonly #onSupervise = (e: CustomEvent<SuperviseDetail>) => {
    const phone = this.renderRoot.querySelector('sb-softphone');
    if (phone) void phone.supervise(e.detail.mode, e.detail.extension);
  };

  override render() {
    // The public call page needs no session (issue 15).
    if (this._path.replace(/\/+$/, '') === '/call') return html`<sb-guest-call></sb-guest-call>`;
    if (this._bootError) return html`<p class="alert" role="alert">${this._bootError}</p>`;
    const session = this._session;
    if (!session) return html`<p class="loading">Loading…</p>`;
    const route = resolveRoute(this._path, session.authenticated ? session.role : undefined);
    if ('redirect' in route) {
      queueMicrotask(() => this.navigate(route.redirect, true));
      return nothing;
    }
    if (route.view === 'login' || !session.authenticated)
      return html`<sb-login @signed-in=${() => void this.#loadSession()}></sb-login>`;
    return html`<header>
        <a class="brand" href=${navFor(session.role)[0]?.href ?? '/'} @click=${this.#onLinkClick}>Switchboard</a>
        <nav aria-label="Main">
          ${navFor(session.role).map(
            (l) =>
              html`<a href=${l.href} @click=${this.#onLinkClick} aria-current=${l.href === this._path ? 'page' : 'false'}>${l.label}</a>`,
          )}
        </nav>
        <span class="who">${session.name}</span>
        <button type="button" @click=${this.#signOut}>Sign out</button>
      </header>
      <main class=${route.view === 'monitor' && session.role !== 'agent' ? 'with-dock' : ''} @sb-supervise=${this.#onSupervise}>
        ${this.#page(route.view)}${this.#phone(route.view, session)}
      </main>`;
  }
}

if (!customElements.get('sb-app')) customElements.define('sb-app', SbApp);

declare global {
  interface HTMLElementTagNameMap {
    'sb-app': SbApp;
  }
}
