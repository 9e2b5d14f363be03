// Where API tokens live: one Secret in the operator's namespace (beside the
// admin hash, see api-secrets.ts), a key per token ("token.<id>": its record,
// no token) and a key per token's last use ("last-used.<id>"). Merge patches
// of single keys let replicas add, revoke and stamp tokens without
// overwriting each other; a stamp written after a revocation revives nothing
// (a last-used key without its token key is ignored).
//
// Every replica keeps the records in memory, re-reads them every refreshMs
// (a revocation on another replica applies within that) and at once when a
// token with an unknown id arrives (at most once a second). Last-used times
// are written in batches every flushMs, never per request.
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describeError, isNotFound } from '../../clients/errors.ts';
import { upsertSecretData } from '../../clients/secrets.ts';
import type { Logger } from '../../log.ts';
import { HttpError } from '../errors.ts';
import { fromKubeError } from '../hr/kube-writes.ts';
import {
  mintToken,
  parseRecord,
  type TokenInfo,
  type TokenRecord,
  type TokenScope,
  type TokenVerdict,
  tokenId,
  tokenInfo,
  verifyToken,
} from './api-tokens.ts';

export const TOKENS_SECRET = 'switchboard-api-tokens';
const TOKEN_KEY = 'token.';
const USED_KEY = 'last-used.';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

export interface TokenStoreOptions {
  readonly refreshMs: number;
  readonly flushMs: number;
}

export class TokenStore {
  readonly #core: CoreV1Api;
  readonly #namespace: string;
  readonly #logger: Logger;
  readonly #options: TokenStoreOptions;
  #records = new Map<string, TokenRecord>();
  #lastUsed = new Map<string, string>();
  /** Uses not yet written to the Secret. */
  readonly #pending = new Map<string, string>();
  #loadedAt = 0;
  #timers: NodeJS.Timeout[] = [];

  constructor(core: CoreV1Api, namespace: string, logger: Logger, options: TokenStoreOptions) {
    this.#core = core;
    this.#namespace = namespace;
    this.#logger = logger;
    this.#options = options;
  }

  start(): void {
    const every = (ms: number, run: () => Promise<unknown>) => {
      const t = setInterval(() => void run().catch(() => undefined), ms);
      t.unref();
      this.#timers.push(t);
    };
    void this.refresh().catch(() => undefined);
    every(this.#options.refreshMs, () => this.refresh());
    every(this.#options.flushMs, () => this.flush());
  }

  /** Stops the timers and writes the last uses still pending. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await this.flush().catch(() => undefined);
  }

  async #read(): Promise<V1Secret | undefined> {
    try {
      return await this.#core.readNamespacedSecret({
        name: TOKENS_SECRET,
        namespace: this.#namespace,
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Re-reads the Secret (a token revoked elsewhere stops working here). */
  async refresh(): Promise<void> {
    this.#loadedAt = Date.now();
    let secret: V1Secret | undefined;
    try {
      secret = await this.#read();
    } catch (err) {
      this.#logger.warn({ err: describeError(err) }, 'reading the API tokens failed');
      throw err;
    }
    const records = new Map<string, TokenRecord>();
    const lastUsed = new Map<string, string>();
    for (const [key, value] of Object.entries(secret?.data ?? {})) {
      if (key.startsWith(TOKEN_KEY)) {
        const record = parseRecord(unb64(value));
        if (record && key === `${TOKEN_KEY}${record.id}`) records.set(record.id, record);
      } else if (key.startsWith(USED_KEY)) {
        lastUsed.set(key.slice(USED_KEY.length), unb64(value));
      }
    }
    this.#records = records;
    this.#lastUsed = lastUsed;
  }

  /** The verdict on a presented token; an unknown id triggers one fresh read (rate-limited). */
  async verify(token: string): Promise<TokenVerdict> {
    const id = tokenId(token);
    if (!id) return { ok: false, message: 'invalid or revoked API token' };
    if (!this.#records.has(id) && Date.now() - this.#loadedAt > 1000)
      await this.refresh().catch(() => undefined);
    return verifyToken(token, this.#records.get(id));
  }

  markUsed(id: string, at = new Date()): void {
    this.#pending.set(id, at.toISOString());
  }

  /** Writes the batched last-used times in one merge patch. */
  async flush(): Promise<void> {
    const batch = [...this.#pending].filter(([id]) => this.#records.has(id));
    this.#pending.clear();
    if (batch.length === 0) return;
    try {
      await this.#patch(Object.fromEntries(batch.map(([id, at]) => [`${USED_KEY}${id}`, b64(at)])));
      for (const [id, at] of batch) this.#lastUsed.set(id, at);
    } catch (err) {
      // Put them back unless newer uses came meanwhile; the next flush retries.
      for (const [id, at] of batch) if (!this.#pending.has(id)) this.#pending.set(id, at);
      this.#logger.warn({ err: describeError(err) }, 'writing API token last-used times failed');
    }
  }

  async #patch(data: Record<string, string | null>): Promise<void> {
    await this.#core.patchNamespacedSecret(
      { name: TOKENS_SECRET, namespace: this.#namespace, body: { data } },
      mergePatch,
    );
  }

  list(now = Date.now()): TokenInfo[] {
    return [...this.#records.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((r) => tokenInfo(r, this.#pending.get(r.id) ?? this.#lastUsed.get(r.id), now));
  }

  /** Makes a token; the answer is the only place the token ever appears. */
  async create(
    name: string,
    scopes: readonly TokenScope[],
    expiresAt: Date,
  ): Promise<{ token: string; info: TokenInfo }> {
    await this.refresh();
    if ([...this.#records.values()].some((r) => r.name === name))
      throw new HttpError(409, `name: an API token named "${name}" exists already`, [
        { field: 'name', message: 'is taken by another API token' },
      ]);
    const { token, record } = mintToken(name, scopes, expiresAt);
    const data = { [`${TOKEN_KEY}${record.id}`]: b64(JSON.stringify(record)) };
    try {
      await upsertSecretData(this.#core, this.#namespace, TOKENS_SECRET, data);
    } catch (err) {
      throw fromKubeError(err, `Secret ${TOKENS_SECRET}`);
    }
    this.#records.set(record.id, record);
    return { token, info: tokenInfo(record, undefined) };
  }

  /** Revokes at once on this replica (others within refreshMs); false when there was no such token. */
  async revoke(id: string): Promise<TokenRecord | undefined> {
    await this.refresh();
    const record = this.#records.get(id);
    if (!record) return undefined;
    try {
      await this.#patch({ [`${TOKEN_KEY}${id}`]: null, [`${USED_KEY}${id}`]: null });
    } catch (err) {
      throw fromKubeError(err, `Secret ${TOKENS_SECRET}`);
    }
    this.#records.delete(id);
    this.#pending.delete(id);
    this.#lastUsed.delete(id);
    return record;
  }
}
