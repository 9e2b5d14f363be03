// WebRTC settings for admins: the WebRTCConfig's ws URL and ICE servers
// (Secrets are referenced by name, never shown), and the generated PJSIP text
// from the main ConfigMap (ConfigMaps never hold passwords: auth sections
// live in Secrets). PUT takes the iceServers shape or the seed workflow's
// flat one (webrtc-flat.ts); GET answers both.
import type { FastifyInstance } from 'fastify';
import { API_VERSION } from '../../crds/common.ts';
import type { WebRTCConfig, WebRTCConfigSpec } from '../../crds/types.ts';
import { CONTENT_HASH_ANNOTATION } from '../../labels.ts';
import type { FieldError } from '../../schema/errors.ts';
import { validateWebRTCConfig } from '../../schema/validators.ts';
import { type ApiContext, requireScope } from '../context.ts';
import { invalidBody } from '../errors.ts';
import { validateFlatWebRtcSettings, validateWebRtcSettings } from './schemas.ts';
import {
  flatView,
  isFlatBody,
  planFlat,
  TURN_SECRET_NAME,
  type TurnSecretPlan,
  toFlatField,
  turnSecretData,
} from './webrtc-flat.ts';

interface SettingsChange {
  readonly asteriskWsUrl: string;
  readonly iceServers: WebRTCConfigSpec['iceServers'];
  readonly turnSecret: TurnSecretPlan;
  /** Field names as the body spelled them. */
  readonly field: (e: FieldError) => FieldError;
}

export function registerWebRtcRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { caches, settings, writes } = ctx;
  const ns = settings.namespace;
  // An admin session, or an API token with settings:write (which also reads them).
  const admin = { onRequest: requireScope('settings:write') };

  /** `turnUsername`: the one just written, which the Secret cache may not show yet. */
  const view = (config: WebRTCConfig | undefined, turnUsername?: string) => {
    if (!config) return { status: 'ok', exists: false, namespace: ns, settings: null };
    const main = caches.configMaps.get(config.spec.generated.configMapName, ns);
    return {
      status: 'ok',
      exists: true,
      namespace: ns,
      // The seed workflow's flat shape (no password), then the WebRTCConfig's own.
      ...flatView(config.spec, (name) => caches.secrets.get(name, ns)),
      ...(turnUsername === undefined ? {} : { turnUsername }),
      settings: { asteriskWsUrl: config.spec.asteriskWsUrl, iceServers: config.spec.iceServers },
      iceServers: config.status?.iceServers ?? [],
      conditions: config.status?.conditions ?? [],
      generated: {
        configMapName: config.spec.generated.configMapName,
        contentHash: main?.metadata?.annotations?.[CONTENT_HASH_ANNOTATION] ?? null,
        pjsipConf: main?.data?.['pjsip.conf'] ?? null,
      },
    };
  };

  /** The body in either shape as one change; a 400 names its fields. */
  const changeFrom = (body: unknown, existing: WebRTCConfig | undefined): SettingsChange => {
    if (!isFlatBody(body)) {
      const parsed = validateWebRtcSettings(body);
      if (!parsed.ok) throw invalidBody(parsed.errors);
      return {
        asteriskWsUrl: parsed.value.asteriskWsUrl,
        iceServers: (parsed.value.iceServers ?? {}) as WebRTCConfigSpec['iceServers'],
        turnSecret: { kind: 'none' },
        field: (e) => e,
      };
    }
    const parsed = validateFlatWebRtcSettings(body);
    if (!parsed.ok) throw invalidBody(parsed.errors);
    const planned = planFlat(parsed.value, existing?.spec);
    if (!planned.ok) throw invalidBody(planned.errors);
    return {
      asteriskWsUrl: parsed.value.asteriskWsUrl,
      ...planned.plan,
      field: toFlatField,
    };
  };

  app.get('/hr/webrtc-config', admin, async () => view(caches.configs.get('default', ns)));

  app.put('/hr/webrtc-config', admin, async (request) => {
    const existing = caches.configs.get('default', ns);
    const change = changeFrom(request.body, existing);
    const { asteriskWsUrl, iceServers } = change;
    // The whole object too: its CEL rules span fields this body does not carry.
    const whole = validateWebRTCConfig({
      apiVersion: API_VERSION,
      kind: 'WebRTCConfig',
      metadata: { name: 'default' },
      spec: { ...existing?.spec, asteriskWsUrl, iceServers },
    });
    if (!whole.ok)
      throw invalidBody(
        whole.errors.map((e) => change.field({ ...e, field: e.field.replace(/^spec\./, '') })),
      );
    // The Secret first, so the operator finds what the WebRTCConfig will name.
    if (change.turnSecret.kind === 'write') {
      const data = turnSecretData(change.turnSecret);
      if (Object.keys(data).length) await writes.upsertSecret(TURN_SECRET_NAME, data);
    }
    const saved = await writes.upsertConfig(existing, {
      asteriskWsUrl,
      // A merge patch replaces lists whole; null removes one the admin emptied.
      iceServers: {
        stunUrls: iceServers.stunUrls ?? null,
        turnServers: iceServers.turnServers ?? null,
      } as unknown as WebRTCConfigSpec['iceServers'],
    });
    return view(saved, change.turnSecret.kind === 'write' ? change.turnSecret.username : undefined);
  });
}
