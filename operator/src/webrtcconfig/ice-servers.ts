// The ICE servers a browser gets (RTCIceServer shape): STUN as configured;
// TURN with static credentials from their Secret or freshly minted TURN REST
// credentials. Pure: secret values are passed in by the caller.
import type { WebRTCConfigSpec } from '../crds/types.ts';
import { turnRestCredentials } from './turn.ts';

export interface RTCIceServer {
  readonly urls: string[];
  readonly username?: string;
  readonly credential?: string;
}

/** Reads a key of a Secret by name; undefined when the Secret or key is missing. */
export type SecretValue = (secretName: string, key: string) => string | undefined;

export function iceServersFor(
  spec: WebRTCConfigSpec,
  secretValue: SecretValue,
  sipUsername: string,
  now: Date,
): RTCIceServer[] {
  const servers: RTCIceServer[] = [];
  if (spec.iceServers.stunUrls?.length) servers.push({ urls: [...spec.iceServers.stunUrls] });
  for (const turn of spec.iceServers.turnServers ?? []) {
    if (turn.sharedSecret) {
      const secret = secretValue(turn.sharedSecret.name, turn.sharedSecret.key);
      if (secret === undefined) continue;
      const c = turnRestCredentials(
        secret,
        sipUsername,
        turn.sharedSecret.credentialTTLSeconds,
        now,
      );
      servers.push({ urls: [...turn.urls], username: c.username, credential: c.credential });
    } else if (turn.credentialsSecret) {
      const username = secretValue(turn.credentialsSecret.name, turn.credentialsSecret.usernameKey);
      const credential = secretValue(
        turn.credentialsSecret.name,
        turn.credentialsSecret.passwordKey,
      );
      if (username === undefined || credential === undefined) continue;
      servers.push({ urls: [...turn.urls], username, credential });
    }
  }
  return servers;
}
