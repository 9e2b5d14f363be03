import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiRoutes } from '../../../../test/support/api-routes.ts';
import { accessOf, type Role, refusalFor, withAccess } from './access.ts';

/** Routes nobody is asked about (pages, sign-in, health, metrics, the public call): on purpose. */
const PUBLIC = [
  ...['healthz', 'readyz', 'metrics'].flatMap((p) =>
    // GET answers; the other methods answer 405 (health.ts)
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => `${m} /${p}`),
  ),
  'POST /auth/login',
  'POST /auth/logout',
  'GET /auth/session',
  'GET /public/guest-access',
  'POST /public/guest-calls',
  'GET /ui/*',
  'GET /',
  'GET /login',
  'GET /dashboard',
  'GET /dashboard/*',
  'GET /call',
  'GET /embed/call-button.js',
].sort();

/** What a supervisor may call besides the public routes: the line, the wallboard. */
const SUPERVISOR = [
  'GET /monitor/events',
  'GET /monitor/queues',
  'GET /reports/queues',
  'GET /reports/queues.csv',
  'GET /softphone/calls/:linkedid/note',
  'GET /softphone/calls/by-sip-call-id/:callId',
  'GET /softphone/config',
  'GET /softphone/directory',
  'GET /softphone/events',
  'GET /softphone/history',
  'GET /softphone/state',
  'PUT /softphone/calls/:linkedid/note',
  'PUT /softphone/state',
];
const AGENT = SUPERVISOR.filter((r) => !r.includes('/monitor/') && !r.includes('/reports/'));

describe('route access', () => {
  it('tags a guard and finds it among a route’s hooks', () => {
    const guard = withAccess(() => {}, { roles: ['admin'] });
    assert.deepEqual(accessOf([() => {}, guard]), { roles: ['admin'] });
    assert.equal(
      accessOf(() => {}),
      undefined,
    );
    assert.equal(accessOf(undefined), undefined);
  });

  it('says who may and what a supervisor is for', () => {
    const m = refusalFor({ roles: ['admin'], scope: 'agents:write' }, 'supervisor');
    assert.match(m, /^this needs an admin account; you are signed in as a supervisor/);
    assert.match(m, /does not manage agents, credentials, tokens or settings/);
    assert.match(refusalFor({ roles: ['admin', 'supervisor'] }, 'agent'), /admin or a supervisor/);
  });

  it('every route is guarded or public; supervisors and agents reach only their list', async () => {
    const routes = await apiRoutes();
    assert.ok(routes.length > 20, `${routes.length} routes`);
    // a route without a guard fails here until it is guarded (requireRole/requireScope) or listed
    const open = routes.filter((r) => !r.access).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(open.sort(), PUBLIC);
    const admitting = (role: Role) =>
      routes
        .filter((r) => r.access?.roles.includes(role))
        .map((r) => `${r.method} ${r.url}`)
        .sort();
    assert.deepEqual(admitting('supervisor'), SUPERVISOR);
    assert.deepEqual(admitting('agent'), AGENT);
    // an admin may call every guarded route
    assert.deepEqual(
      routes
        .filter((r) => r.access && !r.access.roles.includes('admin'))
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
      [
        'GET /softphone/events',
        'GET /softphone/history',
        'GET /softphone/state',
        'PUT /softphone/state',
      ],
    );
  });
});
