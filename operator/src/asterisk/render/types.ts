import type { CallQueueSpec, Codec, TrunkRoute, WebRTCConfigSpec } from '../../crds/types.ts';

/** One agent that belongs in Asterisk (the caller already dropped suspended/conflicting ones). */
export interface RenderAgent {
  /** SipAgent metadata.name. */
  name: string;
  displayName: string;
  extension: number;
  /** e.g. john_doe_1700000000 — also the PJSIP endpoint, AOR and auth id. */
  sipUsername: string;
  /** 32 hex characters; written only into Secret output. */
  sipPassword: string;
  codecs: readonly Codec[];
  /** Already resolved (omitted spec.queues => [hotline queue]). */
  queues: readonly string[];
  maxContacts: number;
  /**
   * The agent may call out although the outbound trunk names only some
   * agents (siptrunk/outbound.ts); unset when it names none (then the
   * endpoint template carries the permission for everyone).
   */
  dialOut?: boolean;
  /** SipAgent spec.supervisor: may listen in, whisper and barge (dialplan.ts SUPERVISE_CODES). */
  supervisor?: boolean;
  /** SipAgent spec.callWaiting: a second direct call rings (else Asterisk answers busy, dialplan.ts). */
  callWaiting?: boolean;
  /** SipAgent spec.recording: overrides the queues' recording for calls it answers (recording.ts). */
  recording?: boolean;
}

/** A CallQueue's settings as rendered (the spec after defaulting, without what resolution decides). */
export type RenderQueueSettings = Omit<CallQueueSpec, 'numbers' | 'members'>;

/** An agent the operator computed as a member (by selector or skill). */
export interface RenderQueueMember {
  /** SipAgent metadata.name (agents not rendered are skipped). */
  agent: string;
  /** app_queue penalty: lower rings first. */
  penalty: number;
}

/** A CallQueue, resolved by the operator (callqueue/resolve.ts). */
export interface RenderQueue {
  name: string;
  settings: RenderQueueSettings;
  /** The numbers in force (conflicting and in-range numbers already removed). */
  numbers: readonly string[];
  members: readonly RenderQueueMember[];
}

/** A SipTrunk, resolved by the operator (siptrunk/resolve.ts). */
export interface RenderTrunk {
  /** SipTrunk metadata.name. */
  name: string;
  host: string;
  port: number;
  /** Absent: udp. */
  transport?: 'udp' | 'tcp' | 'tls';
  /** transport tls: the CA bundle (PEM certificates only) the carrier's certificate must chain to. */
  tlsCa?: string;
  /** Seconds between OPTIONS to the carrier; absent or 0: none. */
  qualifySeconds?: number;
  /** Seconds between registration attempts after a temporary failure; absent: 60. */
  registrationRetrySeconds?: number;
  /** Source addresses of the carrier's requests; empty: the host. */
  match: readonly string[];
  /** From the trunk's Secret; the password is written only into Secret output. */
  credentials?: { username: string; password: string };
  register: boolean;
  fromUser?: string;
  fromDomain?: string;
  codecs: readonly Codec[];
  /** Calls from the carrier up at once (0: no limit). */
  maxCalls: number;
  /** The routes in force (numbers another trunk holds and targets that do not exist already removed). */
  routes: readonly TrunkRoute[];
  /** Calls out through this trunk: at most one rendered trunk has it (siptrunk/resolve.ts). */
  outbound?: RenderOutbound;
}

/** A trunk's outbound rules (SipTrunk spec.outbound, enabled). */
export interface RenderOutbound {
  /** E.164. */
  callerId: string;
  countryCode: string;
  nationalPrefix: string;
  internationalPrefix: string;
  /** "national", "international", "emergency" or E.164 prefixes. */
  allow: readonly string[];
  /** E.164 prefixes. */
  deny: readonly string[];
  emergencyNumbers: readonly string[];
  /** true: every agent may call out; false: only agents with dialOut. */
  allAgents: boolean;
}

export interface RenderInput {
  namespace: string;
  config: WebRTCConfigSpec;
  agents: readonly RenderAgent[];
  /** CallQueues; a queue named like spec.hotline.queue replaces the hotline's defaults. */
  queues?: readonly RenderQueue[];
  /** SipTrunks: carriers' endpoints, registrations and inbound numbers (none: no UDP transport at all). */
  trunks?: readonly RenderTrunk[];
  /** Directory where the DTLS Secret (tls.crt, tls.key) is mounted; omitted: Asterisk generates a certificate. */
  dtlsCertPath?: string;
  /** Where Asterisk has these objects projected (absolute; absent: MOUNT_PATH): a tls trunk's CA file is named by it. */
  generatedDir?: string;
  /** The guest endpoint's password (webrtcconfig/guest-credentials.ts); guests render only with it and spec.publicAccess.enabled. */
  guestPassword?: string;
}

export interface GeneratedObject {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  /** File name → content; every file starts with its content-hash marker (see marker.ts). */
  files: Record<string, string>;
  /** sha256 over the object's files (names and contents). */
  hash: string;
}

/** Where a file's content hash shows in AMI `GetConfig` output. */
export interface HashMarker {
  /** The top-level file to ask GetConfig for (it merges our #included files). */
  configFile: 'pjsip.conf' | 'extensions.conf' | 'queues.conf' | 'rtp.conf';
  /** The module that reads that file (what to reload when the file changed). */
  module: 'res_pjsip.so' | 'pbx_config.so' | 'app_queue.so' | 'res_rtp_asterisk.so';
  /** GetConfig `Category:` to ask for; several files share one category, the key tells them apart. */
  category: string;
  key: string;
  value: string;
}
