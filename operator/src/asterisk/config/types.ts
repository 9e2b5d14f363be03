import type { Codec, WebRTCConfigSpec } from '../../crds/types.ts';

/** One agent that belongs in Asterisk (suspended and conflicting agents are already left out). */
export interface RenderAgent {
  readonly name: string;
  readonly displayName: string;
  readonly extension: number;
  /** PJSIP endpoint, aor and auth id. */
  readonly sipUsername: string;
  /** Written only into Secrets. */
  readonly sipPassword: string;
  readonly codecs: readonly Codec[];
  readonly queues: readonly string[];
  readonly maxContacts: number;
}

export interface RenderInput {
  readonly namespace: string;
  readonly config: WebRTCConfigSpec;
  readonly agents: readonly RenderAgent[];
  /** Directory where the DTLS Secret (tls.crt, tls.key) is mounted; omitted: Asterisk generates a certificate. */
  readonly dtlsCertPath?: string;
}

export interface GeneratedObject {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  /** File name → content; the pjsip file of each object carries the object's content-hash marker. */
  readonly files: Readonly<Record<string, string>>;
  readonly hash: string;
}
