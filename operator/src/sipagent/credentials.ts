// SIP credentials as the seed workflow made them: username
// `<display_name_slug>_<unix_seconds>` (john_doe_1700000000) and a 32-hex
// password from the CSPRNG.
import { randomBytes } from 'node:crypto';
import anyAscii from 'any-ascii';

export interface SipCredentials {
  readonly username: string;
  readonly password: string;
}

const MAX_SLUG = 40;

/**
 * "John Doe" → "john_doe", "Иван Петров" → "ivan_petrov", "محمد" → "mhmd":
 * any-ascii (maintained, no dependencies, tables for all of Unicode, the same
 * answer for the same name on every run) transliterates letters and digits;
 * symbols and emoji are dropped first, so only a name with no letter or digit
 * at all becomes "agent".
 */
export function slugify(displayName: string): string {
  const slug = anyAscii(displayName.normalize('NFC').replace(/[^\p{L}\p{N}\p{M}]+/gu, ' '))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/_+$/, '');
  return slug || 'agent';
}

/**
 * A username for `displayName` at `nowSeconds`, not yet taken: when two
 * agents of the same name are created in the same second, the later one takes
 * the next free second, so the format stays `<slug>_<unix seconds>`.
 */
export function sipUsername(
  displayName: string,
  nowSeconds: number,
  isTaken: (username: string) => boolean,
): string {
  const slug = slugify(displayName);
  for (let s = Math.floor(nowSeconds); ; s++) {
    const candidate = `${slug}_${s}`;
    if (!isTaken(candidate)) return candidate;
  }
}

export function sipPassword(): string {
  return randomBytes(16).toString('hex');
}

export function generateCredentials(
  displayName: string,
  nowSeconds: number,
  isTaken: (username: string) => boolean,
): SipCredentials {
  return { username: sipUsername(displayName, nowSeconds, isTaken), password: sipPassword() };
}
