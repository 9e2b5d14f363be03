// The operator's HTTP route table with each route's Access, read from the
// server itself (createApiServer's `routes`): the role tests walk through it,
// so a route added later is tried too. The server is built only to be
// listed: its Kubernetes client points nowhere and it never listens.
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { createApiServer, type RouteAccess } from '../../operator/src/api/server.ts';
import { loadApiSettings } from '../../operator/src/api/settings.ts';
import { createCaches } from '../../operator/src/informers.ts';
import { silentLogger } from '../../operator/src/log.ts';

export async function apiRoutes(): Promise<RouteAccess[]> {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'none', server: 'http://127.0.0.1:9', skipTLSVerify: true }],
    users: [{ name: 'none' }],
    contexts: [{ name: 'none', cluster: 'none', user: 'none' }],
    currentContext: 'none',
  });
  const server = await createApiServer({
    settings: loadApiSettings({ watchNamespace: 'routes', podNamespace: 'routes' }, {}),
    caches: createCaches(kc, 'routes', silentLogger),
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    logger: silentLogger,
    registry: new Registry(),
    ready: () => false,
  });
  await server.close();
  // HEAD mirrors GET (fastify adds it), OPTIONS: nothing of ours
  return server.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
}

/** `/hr/users/:id` → `/hr/users/x`: a path the route matches. */
export function samplePath(url: string): string {
  return url.replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'x');
}
