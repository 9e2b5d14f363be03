// WebRTC settings for admins: the WebRTCConfig's ws URL and ICE servers
// (Secrets are referenced by name, never shown), and the generated PJSIP text
// from the main ConfigMap (ConfigMaps never hold passwords: auth sections
// live in Secrets).
import type { FastifyInstance } from 'fastify';
import { API_VERSION } from '../../crds/common.ts';
import type { WebRTCConfig, WebRTCConfigSpec } from '../../crds/types.ts';
import { CONTENT_HASH_ANNOTATION } from '../../labels.ts';
import { validateWebRTCConfig } from '../../schema/validators.ts';
import { type ApiContext, requireRole } from '../context.ts';
import { invalidBody } from '../errors.ts';
import { validateWebRtcSettings } from './schemas.ts';

export function registerWebRtcRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { caches, settings, writes } = ctx;
  const ns = settings.namespace;
  const admin = { onRequest: requireRole('admin') };

  const view = (config: WebRTCConfig | undefined) => {
    if (!config) return { status: 'ok', exists: false, namespace: ns, settings: null };
    const main = caches.configMaps.get(config.spec.generated.configMapName, ns);
    return {
      status: 'ok',
      exists: true,
      namespace: ns,
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

  app.get('/hr/webrtc-config', admin, async () => view(caches.configs.get('default', ns)));

  app.put('/hr/webrtc-config', admin, async (request) => {
    const parsed = validateWebRtcSettings(request.body);
    if (!parsed.ok) throw invalidBody(parsed.errors);
    const existing = caches.configs.get('default', ns);
    const { asteriskWsUrl } = parsed.value;
    const iceServers = parsed.value.iceServers as WebRTCConfigSpec['iceServers'];
    // The whole object too: its CEL rules span fields this body does not carry.
    const whole = validateWebRTCConfig({
      apiVersion: API_VERSION,
      kind: 'WebRTCConfig',
      metadata: { name: 'default' },
      spec: { ...existing?.spec, asteriskWsUrl, iceServers },
    });
    if (!whole.ok)
      throw invalidBody(whole.errors.map((e) => ({ ...e, field: e.field.replace(/^spec\./, '') })));
    const saved = await writes.upsertConfig(existing, {
      asteriskWsUrl,
      // A merge patch replaces lists whole; null removes one the admin emptied.
      iceServers: {
        stunUrls: iceServers.stunUrls ?? null,
        turnServers: iceServers.turnServers ?? null,
      } as unknown as WebRTCConfigSpec['iceServers'],
    });
    return view(saved);
  });
}
