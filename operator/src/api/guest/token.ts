// A guest's permission to place one call: 32 random bytes as lowercase hex
// (the only shape the Asterisk gate accepts, asterisk/render/guests.ts), kept
// in AstDB with its expiry in epoch seconds. Pure apart from the randomness.
import { randomBytes } from 'node:crypto';
import { TOKEN_HEX_LENGTH } from '../../asterisk/render/guests.ts';

export interface GuestToken {
  readonly token: string;
  /** Epoch seconds: the value AstDB keeps, compared with ${EPOCH} by the dialplan. */
  readonly expiresEpoch: number;
}

export function mintToken(nowMs: number, ttlSeconds: number): GuestToken {
  return {
    token: randomBytes(TOKEN_HEX_LENGTH / 2).toString('hex'),
    expiresEpoch: Math.floor(nowMs / 1000) + ttlSeconds,
  };
}

/** Whether a string has the token's shape (lowercase hex of the right length). */
export function isTokenShape(s: string): boolean {
  return s.length === TOKEN_HEX_LENGTH && /^[0-9a-f]+$/.test(s);
}
