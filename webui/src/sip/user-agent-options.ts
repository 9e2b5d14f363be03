// SIP.js UserAgent options for the operator's config (the URI and the invite
// delegate are added by the connection).
import type { UserAgentOptions } from 'sip.js';
import type { SessionDescriptionHandlerConfiguration } from 'sip.js/lib/platform/web/session-description-handler/session-description-handler-configuration.js';
import type { PhoneConfig, SipCredentials } from './phone-config.ts';

export interface PhoneUserAgentOptions extends UserAgentOptions {
  readonly transportOptions: { readonly server: string; readonly connectionTimeout: number };
  readonly sessionDescriptionHandlerFactoryOptions: SessionDescriptionHandlerConfiguration;
}

export function userAgentOptions(
  config: PhoneConfig,
  credentials: SipCredentials,
): PhoneUserAgentOptions {
  return {
    authorizationUsername: credentials.username,
    authorizationPassword: credentials.password,
    ...(credentials.displayName ? { displayName: credentials.displayName } : {}),
    transportOptions: { server: config.wsUrl, connectionTimeout: 5 },
    // reconnecting is ours (SIP.js's gives up and never re-registers)
    reconnectionAttempts: 0,
    logBuiltinEnabled: false,
    logLevel: 'warn',
    userAgentString: 'Switchboard softphone (SIP.js)',
    sessionDescriptionHandlerFactoryOptions: {
      // never SIP.js's default Google STUN: the operator's servers or none
      peerConnectionConfiguration: {
        iceServers: [...config.iceServers],
        iceTransportPolicy: config.iceTransportPolicy ?? 'all',
        bundlePolicy: 'max-bundle',
        rtcpMuxPolicy: 'require',
      },
      iceGatheringTimeout: config.iceGatheringTimeoutMs ?? 2000,
    },
  };
}
