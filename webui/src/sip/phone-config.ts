// What the softphone and the dialer need to reach the PBX: the operator's
// WebRTCConfig (ws URL and ICE servers, with short-lived TURN credentials)
// as served by GET /hr/webrtc-config. Validated here, at the component's edge.

export interface PhoneConfig {
  /** SIP over WebSocket endpoint, ws:// in development, wss:// in production. */
  readonly wsUrl: string;
  readonly iceServers: readonly RTCIceServer[];
  /** SIP domain of the AORs; defaults to the host of wsUrl (what Asterisk accepts). */
  readonly domain?: string;
  /** 'relay' forces media through TURN (networks that block UDP between peers). */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** How long an offer waits for ICE candidates; unreachable STUN servers otherwise stall calls. */
  readonly iceGatheringTimeoutMs?: number;
  /** Seconds a registration lasts before the softphone refreshes it. */
  readonly registerExpires?: number;
}

export interface SipCredentials {
  readonly username: string;
  readonly password: string;
  /** Display only: the extension colleagues dial. */
  readonly extension?: string;
  readonly displayName?: string;
}

/** Returns the reasons the config cannot work, empty when it is fine. */
export function configProblems(config: PhoneConfig | undefined): string[] {
  if (!config) return ['no WebRTC configuration was provided'];
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(config.wsUrl);
  } catch {
    problems.push(`wsUrl "${config.wsUrl}" is not a URL`);
  }
  if (url && url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    problems.push(`wsUrl must start with ws:// or wss://, not ${url.protocol}//`);
  }
  if (!Array.isArray(config.iceServers)) problems.push('iceServers must be a list');
  else {
    config.iceServers.forEach((server, i) => {
      const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
      if (!Array.isArray(urls) || urls.length === 0) {
        problems.push(`iceServers[${i}].urls is empty`);
        return;
      }
      for (const u of urls) {
        if (!/^(stuns?|turns?):/.test(u)) {
          problems.push(
            `iceServers[${i}] URL "${u}" must start with stun:, stuns:, turn: or turns:`,
          );
        } else if (/^turns?:/.test(u) && (!server.username || !server.credential)) {
          problems.push(`iceServers[${i}] TURN server needs a username and credential`);
        }
      }
    });
  }
  return problems;
}

export function sipDomain(config: PhoneConfig): string {
  return config.domain ?? new URL(config.wsUrl).hostname;
}

/** Returns the problem with the credentials, or undefined when they can be tried. */
export function credentialsProblem(creds: Partial<SipCredentials>): string | undefined {
  if (!creds.username?.trim()) return 'Enter the SIP username.';
  if (!/^[A-Za-z0-9_.!~*'()&=+$,;?/-]+$/.test(creds.username.trim())) {
    return 'The SIP username contains characters SIP does not allow.';
  }
  if (!creds.password) return 'Enter the SIP password.';
  return undefined;
}
