// TURN REST credentials (draft-uberti-behave-turn-rest, as coturn's
// use-auth-secret implements it): username "<expiry unix seconds>:<user>",
// password base64(HMAC-SHA1(shared secret, username)).
import { createHmac } from 'node:crypto';

export interface TurnCredentials {
  readonly username: string;
  readonly credential: string;
  readonly expiresAt: Date;
}

export function turnRestCredentials(
  sharedSecret: string,
  user: string,
  ttlSeconds: number,
  now: Date,
): TurnCredentials {
  const expiry = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const username = `${expiry}:${user}`;
  const credential = createHmac('sha1', sharedSecret).update(username).digest('base64');
  return { username, credential, expiresAt: new Date(expiry * 1000) };
}
