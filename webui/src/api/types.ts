// The HTTP API's shapes as the web UI reads them (operator/src/api answers these).

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface ApiUser {
  readonly id: string;
  readonly name: string;
  readonly phoneNumber: string | null;
  readonly accountType: 'agent';
  readonly sipUsername: string | null;
  readonly sipExtension: number | null;
  readonly hasSipCredentials: boolean;
  readonly registered: boolean;
  readonly suspended: boolean;
  readonly state: string;
  readonly stateMessage: string;
  readonly createdAt: string | null;
}

export interface UserPage {
  readonly users: ApiUser[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}

export interface Stats {
  readonly totalAgents: number;
  readonly withSipCredentials: number;
  readonly registeredNow: number;
  readonly suspended: number;
}

export interface SipCredentials {
  readonly username: string;
  readonly password: string;
  readonly extension: number | null;
}

export interface CredentialsAnswer {
  readonly user: ApiUser;
  readonly sipCredentials: SipCredentials;
  readonly message: string;
}

export type Session =
  | { readonly authenticated: false; readonly csrfToken: string | null }
  | {
      readonly authenticated: true;
      readonly role: 'admin';
      readonly name: string;
      readonly csrfToken: string | null;
    }
  | {
      readonly authenticated: true;
      readonly role: 'agent';
      readonly id: string;
      readonly name: string;
      readonly sipUsername: string | null;
      readonly extension: number | null;
      readonly csrfToken: string | null;
    };

export interface TurnServer {
  urls: string[];
  credentialsSecret?: { name: string; usernameKey?: string; passwordKey?: string };
  sharedSecret?: { name: string; key?: string; credentialTTLSeconds?: number };
}

export interface WebRtcSettings {
  asteriskWsUrl: string;
  iceServers: { stunUrls?: string[]; turnServers?: TurnServer[] };
}

export interface WebRtcConfigView {
  readonly exists: boolean;
  readonly namespace: string;
  readonly settings: WebRtcSettings | null;
  readonly conditions?: { type: string; status: string; reason: string; message: string }[];
  readonly generated?: {
    readonly configMapName: string;
    readonly contentHash: string | null;
    readonly pjsipConf: string | null;
  };
}

export interface SoftphoneConfig {
  readonly wsUrl: string;
  readonly iceServers: RTCIceServer[];
  readonly hotline: string;
  readonly username?: string | null;
  readonly extension?: number | null;
  readonly displayName?: string;
}
