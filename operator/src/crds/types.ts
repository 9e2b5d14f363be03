// TypeScript shapes of the custom resources, after API-server defaulting
// (fields with a schema default are not optional here). They mirror the
// schemas in sipagent.crd.ts / webrtcconfig.crd.ts; the schema is what
// validates, these types are what the code reads.

export type Codec = 'opus' | 'g722' | 'ulaw' | 'alaw';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface SipAgentSpec {
  displayName: string;
  phoneNumber?: string;
  extension?: number;
  codecs: Codec[];
  /** Omitted: the hotline queue. */
  queues?: string[];
  suspended: boolean;
  maxContacts: number;
  /** Skill name → level 1 (beginner) … 10 (expert). */
  skills?: Record<string, number>;
  /** May listen in on, whisper to and barge into agents' calls (*51/*52/*53 + extension). */
  supervisor?: boolean;
  /** A direct call while the agent is on a call rings as a second line; off: Asterisk answers busy. */
  callWaiting?: boolean;
  /** Overrides the queues' recording for calls this agent answers (omitted: the queue decides). */
  recording?: boolean;
}

export interface SipAgentStatus {
  observedGeneration?: number;
  extension?: number;
  sipUsername?: string;
  credentialsSecretName?: string;
  credentialsRotatedAt?: string;
  registered?: boolean;
  contacts?: number;
  conditions?: Condition[];
}

export interface SipAgent {
  apiVersion: 'switchboard.dev/v1alpha1';
  kind: 'SipAgent';
  metadata: ObjectMeta;
  spec: SipAgentSpec;
  status?: SipAgentStatus;
}

export interface SecretKeyRef {
  name: string;
}

export interface TurnServer {
  urls: string[];
  credentialsSecret?: { name: string; usernameKey: string; passwordKey: string };
  sharedSecret?: { name: string; key: string; credentialTTLSeconds: number };
}

export interface WebRTCConfigSpec {
  asteriskWsUrl: string;
  iceServers: { stunUrls?: string[]; turnServers?: TurnServer[] };
  transports: {
    ws: boolean;
    wss: boolean;
    externalSignalingAddress?: string;
    externalMediaAddress?: string;
    localNets?: string[];
    /** SIP over UDP for SipTrunks; defaulted by the schema, absent in objects read before the field existed. */
    udp?: { port: number };
    /** SIP over TCP for SipTrunks; as udp. */
    tcp?: { port: number };
    /** SIP over TLS for SipTrunks; as udp. */
    tls?: { port: number };
  };
  dtlsCertificateSecret?: SecretKeyRef;
  rtp: { portStart: number; portEnd: number };
  extensions: { start: number; end: number };
  hotline: { number: string; queue: string };
  dialTimeoutSeconds: number;
  /** Defaulted by the schema; absent in objects read before the field existed. */
  agentStates?: { pauseReasons: string[] };
  ami: { host: string; port: number; secretName?: string };
  generated: { configMapName: string; secretName: string };
  /** Calls from the public page (absent: off). */
  publicAccess?: PublicAccessSpec;
  /** Defaulted by the schema ([]); absent in objects read before the field existed. */
  dispositions?: Disposition[];
}

/** WebRTCConfig spec.dispositions[]: an admin-defined outcome of a call. */
export interface Disposition {
  code: string;
  label: string;
}

/** WebRTCConfig spec.publicAccess (public-access.crd.ts), defaults applied. */
export interface PublicAccessSpec {
  enabled: boolean;
  /** Empty: the hotline number. */
  numbers: string[];
  tokenTtlSeconds: number;
  maxConcurrentGuests: number;
  maxCallSeconds: number;
  mintsPerMinutePerAddress: number;
  /** Origins whose pages may call /public/* cross-origin; absent in objects read before the field existed. */
  allowedOrigins?: string[];
  /** Absent: always open. */
  openingHours?: OpeningHours;
}

/** WebRTCConfig spec.publicAccess.openingHours. */
export interface OpeningHours {
  timeZone: string;
  windows: OpeningWindow[];
}

export interface OpeningWindow {
  days: Weekday[];
  /** HH:MM, local time. */
  from: string;
  /** HH:MM after from, up to 24:00; exclusive. */
  to: string;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** An X.509 certificate as the operator reports it (public facts only). */
export interface CertificateFacts {
  /** Serial number, upper-case hex. */
  serial: string;
  subject: string;
  /** RFC 3339. */
  notBefore: string;
  /** RFC 3339. */
  notAfter: string;
  /** SHA-256 of the DER, colon-separated upper-case hex (as in an SDP a=fingerprint). */
  fingerprint: string;
}

export interface WebRTCConfigStatus {
  observedGeneration?: number;
  agents?: number;
  configHash?: string;
  iceServers?: { urls: string[]; credential: 'none' | 'static' | 'turn-rest' }[];
  /** The certificate Asterisk serves on its https/wss port (the DTLS Secret's, once loaded). */
  certificate?: CertificateFacts;
  conditions?: Condition[];
}

export interface WebRTCConfig {
  apiVersion: 'switchboard.dev/v1alpha1';
  kind: 'WebRTCConfig';
  metadata: ObjectMeta;
  spec: WebRTCConfigSpec;
  status?: WebRTCConfigStatus;
}

export type QueueStrategy =
  | 'ringall'
  | 'leastrecent'
  | 'fewestcalls'
  | 'rrmemory'
  | 'linear'
  | 'wrandom';

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** Where a caller goes after the queue: at most one field (none: hang up normally). */
export interface QueueOverflow {
  queue?: string;
  extension?: number;
  hangupCause?: number;
}

export interface CallQueueSpec {
  numbers: string[];
  strategy: QueueStrategy;
  ringSeconds: number;
  retrySeconds: number;
  maxWaitSeconds: number;
  maxCallers: number;
  wrapUpSeconds: number;
  joinWithoutAgents: boolean;
  stayWithoutAgents: boolean;
  serviceLevelSeconds: number;
  musicOnHold: 'default';
  announcements?: { position: boolean; holdTime: boolean; frequencySeconds: number };
  overflow?: QueueOverflow;
  members?: { selector?: LabelSelector; skills?: string[] };
  /** Absent in objects read before the field existed. */
  recording?: QueueRecording;
}

export type RecordingFormat = 'wav' | 'wav49' | 'gsm' | 'ulaw' | 'alaw';

/** CallQueue spec.recording (defaults applied). */
export interface QueueRecording {
  enabled: boolean;
  format: RecordingFormat;
  retentionDays: number;
}

export interface CallQueueStatus {
  observedGeneration?: number;
  members?: number;
  numbers?: string[];
  conditions?: Condition[];
}

export interface CallQueue {
  apiVersion: 'switchboard.dev/v1alpha1';
  kind: 'CallQueue';
  metadata: ObjectMeta;
  spec: CallQueueSpec;
  status?: CallQueueStatus;
}

export type TrunkTransport = 'udp' | 'tcp' | 'tls';

/** One number the carrier delivers: exactly one target. */
export interface TrunkRoute {
  number: string;
  queue?: string;
  agent?: string;
  hotline?: boolean;
}

/** Calls out through a trunk (all defaults applied by the schema). */
export interface TrunkOutbound {
  enabled: boolean;
  /** E.164, e.g. "+23222000000". */
  callerId: string;
  /** Without "+", e.g. "232". */
  countryCode: string;
  /** "" when national numbers have no trunk prefix. */
  nationalPrefix: string;
  internationalPrefix: string;
  /** "national", "international", "emergency" or E.164 prefixes. */
  allow: string[];
  /** E.164 prefixes. */
  deny: string[];
  emergencyNumbers: string[];
  /** Omitted: every agent may call out. */
  agents?: { selector?: LabelSelector };
}

export interface SipTrunkSpec {
  host: string;
  port: number;
  transport: TrunkTransport;
  credentialsSecret?: { name: string; usernameKey: string; passwordKey: string };
  /** transport tls: the CA bundle the carrier's certificate must chain to. */
  tls?: { caSecret: { name: string; key: string } };
  /** Seconds between OPTIONS to the carrier (0: none); absent in objects read before the field existed. */
  qualifySeconds?: number;
  register: boolean;
  /** Defaulted by the schema; absent in objects read before the field existed. */
  registrationRetrySeconds?: number;
  match?: string[];
  fromUser?: string;
  fromDomain?: string;
  codecs: Codec[];
  maxCalls: number;
  outbound?: TrunkOutbound;
  routes: TrunkRoute[];
}

export interface SipTrunkStatus {
  observedGeneration?: number;
  registered?: boolean;
  registration?: string;
  /** Whether the carrier answers OPTIONS (qualifySeconds > 0). */
  reachable?: boolean;
  numbers?: string[];
  conditions?: Condition[];
}

export interface SipTrunk {
  apiVersion: 'switchboard.dev/v1alpha1';
  kind: 'SipTrunk';
  metadata: ObjectMeta;
  spec: SipTrunkSpec;
  status?: SipTrunkStatus;
}
