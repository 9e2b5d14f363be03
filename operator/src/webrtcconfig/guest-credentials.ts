// The guest endpoint's SIP identity (asterisk/render/guests.ts). Its password
// is given to every visitor of the public page, so it guards nothing on its
// own (the single-use token in AstDB does); it only keeps SIP scanners that
// never asked the API out. Derived from the WebRTCConfig's uid so that the
// controller (which renders it into the auth Secret) and every API replica
// (which hands it out) agree without storing or reading anything, and a
// recreated WebRTCConfig gets a new one. Pure.
import { createHmac } from 'node:crypto';
import { GUEST_ENDPOINT } from '../asterisk/render/guests.ts';

export function guestPassword(configUid: string): string {
  return createHmac('sha256', configUid)
    .update('switchboard guest endpoint')
    .digest('hex')
    .slice(0, 32);
}

export function guestIdentity(configUid: string): { username: string; password: string } {
  return { username: GUEST_ENDPOINT, password: guestPassword(configUid) };
}
