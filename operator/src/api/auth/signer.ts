// Cookie signing (HMAC-SHA256, @fastify/cookie's Signer) with a key that
// arrives after the server starts: the key lives in a Secret that is read (or
// made) in the background, and until then no cookie verifies.
import { Signer, type UnsignResult } from '@fastify/cookie';

export class LateKeySigner {
  #signer: Signer | undefined;

  setKey(key: string): void {
    this.#signer = new Signer(key, 'sha256');
  }

  get ready(): boolean {
    return this.#signer !== undefined;
  }

  sign(value: string): string {
    if (!this.#signer) throw new Error('the session key is not loaded yet');
    return this.#signer.sign(value);
  }

  unsign(value: string): UnsignResult {
    if (!this.#signer) return { valid: false, renew: false, value: null };
    return this.#signer.unsign(value);
  }
}
