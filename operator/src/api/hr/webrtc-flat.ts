// The seed workflow's flat WebRTC settings ({stunServer, turnServer,
// turnUsername, turnPassword, asteriskWsUrl}) next to the WebRTCConfig's own
// iceServers shape. A static TURN password never enters the custom resource:
// it goes into a Secret the API keeps (TURN_SECRET_NAME), which the TURN
// server's credentialsSecret names; the flat view answers the username only.
import type { V1Secret } from '@kubernetes/client-node';
import type { WebRTCConfigSpec } from '../../crds/types.ts';
import type { FieldError } from '../../schema/errors.ts';

/** The Secret holding the TURN username and password given in the flat shape. */
export const TURN_SECRET_NAME = 'switchboard-turn-credentials';
const USERNAME_KEY = 'username';
const PASSWORD_KEY = 'password';

export const FLAT_FIELDS = ['stunServer', 'turnServer', 'turnUsername', 'turnPassword'] as const;

export interface FlatWebRtcSettingsBody {
  asteriskWsUrl: string;
  stunServer?: string;
  turnServer?: string;
  turnUsername?: string;
  turnPassword?: string;
}

/** The flat view (GET): one STUN URL, the first TURN URL and its static username, no password. */
export interface FlatWebRtcSettings {
  readonly asteriskWsUrl: string;
  readonly stunServer: string | null;
  readonly turnServer: string | null;
  readonly turnUsername: string | null;
}

/** Whether a request body is in the flat shape (any flat field present). */
export function isFlatBody(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    FLAT_FIELDS.some((f) => Object.hasOwn(body as object, f))
  );
}

/**
 * What the TURN Secret gets: nothing, or the keys given. A GET-edit-PUT round
 * trip carries the username but no password: the stored password is kept.
 */
export type TurnSecretPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'write'; readonly username?: string; readonly password?: string };

export interface FlatPlan {
  readonly iceServers: WebRTCConfigSpec['iceServers'];
  readonly turnSecret: TurnSecretPlan;
}

const usesTurnSecret = (spec: WebRTCConfigSpec | undefined) =>
  spec?.iceServers.turnServers?.some((t) => t.credentialsSecret?.name === TURN_SECRET_NAME) ??
  false;

/** The iceServers (replaced whole, as with the other shape) and what to do with the TURN Secret. */
export function planFlat(
  body: FlatWebRtcSettingsBody,
  current: WebRTCConfigSpec | undefined,
): { ok: true; plan: FlatPlan } | { ok: false; errors: FieldError[] } {
  const { stunServer, turnServer, turnUsername, turnPassword } = body;
  const errors: FieldError[] = [];
  if (!turnServer) {
    for (const field of ['turnUsername', 'turnPassword'] as const)
      if (body[field] !== undefined) errors.push({ field, message: 'needs a turnServer' });
  } else if (turnPassword !== undefined && turnUsername === undefined) {
    errors.push({ field: 'turnUsername', message: 'is required with turnPassword' });
  } else if (turnPassword === undefined && !usesTurnSecret(current)) {
    errors.push({
      field: 'turnPassword',
      message: 'is required with turnServer (no TURN password is stored yet)',
    });
  }
  if (errors.length) return { ok: false, errors };
  const turnSecret: TurnSecretPlan = turnServer
    ? {
        kind: 'write',
        ...(turnUsername === undefined ? {} : { username: turnUsername }),
        ...(turnPassword === undefined ? {} : { password: turnPassword }),
      }
    : { kind: 'none' };
  return {
    ok: true,
    plan: {
      iceServers: {
        ...(stunServer ? { stunUrls: [stunServer] } : {}),
        ...(turnServer
          ? {
              turnServers: [
                {
                  urls: [turnServer],
                  credentialsSecret: {
                    name: TURN_SECRET_NAME,
                    usernameKey: USERNAME_KEY,
                    passwordKey: PASSWORD_KEY,
                  },
                },
              ],
            }
          : {}),
      },
      turnSecret,
    },
  };
}

/** The TURN Secret's keys to write (a merge patch keeps the others). */
export function turnSecretData(plan: {
  readonly username?: string;
  readonly password?: string;
}): Record<string, string> {
  return {
    ...(plan.username === undefined ? {} : { [USERNAME_KEY]: plan.username }),
    ...(plan.password === undefined ? {} : { [PASSWORD_KEY]: plan.password }),
  };
}

/** The flat view of a spec; the static username is read from its Secret (never the password). */
export function flatView(
  spec: WebRTCConfigSpec,
  secret: (name: string) => V1Secret | undefined,
): FlatWebRtcSettings {
  const turn = spec.iceServers.turnServers?.[0];
  const ref = turn?.credentialsSecret;
  const raw = ref ? secret(ref.name)?.data?.[ref.usernameKey] : undefined;
  return {
    asteriskWsUrl: spec.asteriskWsUrl,
    stunServer: spec.iceServers.stunUrls?.[0] ?? null,
    turnServer: turn?.urls[0] ?? null,
    turnUsername: raw === undefined ? null : Buffer.from(raw, 'base64').toString('utf8'),
  };
}

/** Whole-object errors ("iceServers.stunUrls[0]") under the flat names the body used. */
export function toFlatField(error: FieldError): FieldError {
  const field = error.field
    .replace(/^iceServers\.stunUrls(\[0\])?$/, 'stunServer')
    .replace(/^iceServers\.turnServers(\[0\](\.urls(\[0\])?)?)?$/, 'turnServer');
  return { ...error, field };
}
