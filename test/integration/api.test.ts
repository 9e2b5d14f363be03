// The HTTP API in the real operator process against the real control plane:
// sign-in with the generated admin password, the HR workflow over SipAgents,
// validation from the CRD schemas, CSRF, roles, secrets never returned.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { ApiSession, signInAdmin } from '../support/api-session.ts';
import { createNamespace, testCluster } from '../support/cluster.ts';
import { installCrds } from '../support/crds.ts';
import { type OperatorProcess, startOperator } from '../support/operator-process.ts';
import { decode, Resources } from '../support/resources.ts';
import { waitUntil } from '../support/wait.ts';

const cluster = testCluster();
let ns: Awaited<ReturnType<typeof createNamespace>>;
let r: Resources;
let operator: OperatorProcess;
let base: string;
let admin: ApiSession;
let adminPassword: string;

interface User {
  id: string;
  name: string;
  sipUsername: string;
  sipExtension: number;
  hasSipCredentials: boolean;
  registered: boolean;
  suspended: boolean;
}
interface Created {
  status: string;
  user: User & { sipPasswordGenerated: boolean };
  sipCredentials: { username: string; password: string; extension: number };
  message: string;
}
interface ErrorBody {
  status: 'error';
  message: string;
  errors?: { field: string; message: string }[];
}

const newAgent = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  phoneNumber: '+49 (30) 123-456', // as people type it: stored as +4930123456
  password: 'agent-login-pw',
  accountType: 'agent',
  ...extra,
});

before(async () => {
  await installCrds(cluster);
  ns = await createNamespace(cluster, 'api');
  r = new Resources(cluster, ns.name);
  await r.core.createNamespacedSecret({
    namespace: ns.name,
    body: { metadata: { name: 'turn-shared' }, stringData: { 'shared-secret': 'coturn-secret' } },
  });
  await r.createConfig({
    extensions: { start: 1000, end: 1099 },
    iceServers: {
      stunUrls: ['stun:stun.example.org:3478'],
      turnServers: [
        {
          urls: ['turn:turn.example.org:3478?transport=udp'],
          sharedSecret: { name: 'turn-shared', key: 'shared-secret', credentialTTLSeconds: 600 },
        },
      ],
    },
  });
  // Last uses of API tokens written every 300 ms (30 s by default) so a test sees the batch land.
  operator = await startOperator(cluster, ns.name, 'api-a', {
    API_TOKENS_LAST_USED_FLUSH_MS: '300',
  });
  base = `http://127.0.0.1:${operator.port}`;
  ({ session: admin, password: adminPassword } = await signInAdmin(r, base));
});
after(async () => {
  await operator?.stop();
  await ns?.cleanup();
});

describe('health and pages', () => {
  it('keeps /healthz, /readyz and /metrics', async () => {
    const s = new ApiSession(base);
    const health = await s.call('GET', '/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.text, 'ok\n');
    const ready = await s.call('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.text, 'ok\n');
    const metrics = await s.call('GET', '/metrics');
    assert.match(metrics.text, /switchboard_api_request_duration_seconds_bucket/);
    assert.equal((await s.call('POST', '/healthz')).status, 405);
  });

  it('serves the web UI with a CSP that allows no inline script', async () => {
    const s = new ApiSession(base);
    const page = await s.call('GET', '/dashboard/hr');
    assert.equal(page.status, 200);
    assert.match(page.text, /<script type="module" src="\/ui\/index.js"><\/script>/);
    assert.doesNotMatch(page.text, /<script>(?!<\/script>)/, 'no inline script');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:8088/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.match(page.headers.get('permissions-policy') ?? '', /microphone=\(self\)/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await new ApiSession(base).call<ErrorBody>('GET', '/hr/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(res.body.status, 'error');
    assert.match(res.body.message, /no route GET \/hr\/nothing-here/);
  });
});

describe('admin sign-in', () => {
  it('keeps only a scrypt hash of the generated admin password', async () => {
    assert.match(adminPassword, /^[A-Za-z0-9_-]{24}$/);
    const apiSecret = await r.secret('switchboard-api');
    const hash = decode(apiSecret, 'admin-password-hash') ?? '';
    assert.match(hash, /^scrypt\$32768\$8\$3\$/);
    for (const v of Object.values(apiSecret?.data ?? {}))
      assert.ok(!Buffer.from(v, 'base64').toString().includes(adminPassword));
  });

  it('sets an HttpOnly, SameSite=Strict, Secure __Host- session cookie', async () => {
    const s = new ApiSession(base);
    await s.call('GET', '/auth/session');
    const res = await s.call('POST', '/auth/login', { username: 'admin', password: adminPassword });
    assert.equal(res.status, 200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-sb-session='));
    assert.ok(cookie, 'session cookie set');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.match(cookie, /Secure/i);
    assert.match(cookie, /Path=\//);
    const me = await s.call('GET', '/auth/session');
    assert.deepEqual([me.body.authenticated, me.body.role], [true, 'admin']);
    await s.call('POST', '/auth/logout', {});
    assert.equal((await s.call('GET', '/hr/users')).status, 401);
  });

  it('refuses a wrong password, and a login without the CSRF token', async () => {
    const s = new ApiSession(base);
    const wrong = await s.login('admin', 'not-the-password');
    assert.equal(wrong.status, 401);
    assert.equal((wrong.body as unknown as ErrorBody).message, 'wrong username or password');
    const noToken = await new ApiSession(base).call('POST', '/auth/login', {
      username: 'admin',
      password: adminPassword,
    });
    assert.equal(noToken.status, 403);
    assert.match(String(noToken.body.message), /CSRF/);
  });

  it('refuses admin routes without a session', async () => {
    const s = new ApiSession(base);
    for (const [method, path] of [
      ['GET', '/hr/users'],
      ['GET', '/hr/stats'],
      ['GET', '/hr/webrtc-config'],
      ['GET', '/softphone/config'],
      ['GET', '/softphone/directory'],
    ] as const) {
      const res = await s.call(method, path);
      assert.equal(res.status, 401, `${method} ${path}`);
    }
  });
});

describe('HR workflow', () => {
  let created: Created;

  it('creates an agent, answers with the credentials once, stores only a login hash', async () => {
    const res = await admin.call<Created>('POST', '/hr/users', newAgent('John Doe'));
    assert.equal(res.status, 201, res.text);
    created = res.body;
    console.log(`POST /hr/users answered in ${res.ms.toFixed(0)} ms`);
    assert.equal(created.status, 'ok');
    assert.match(created.user.sipUsername, /^john_doe_\d{10}$/);
    assert.equal(created.user.sipExtension, 1000);
    assert.equal(created.user.sipPasswordGenerated, true);
    assert.deepEqual(created.sipCredentials, {
      username: created.user.sipUsername,
      password: created.sipCredentials.password,
      extension: 1000,
    });
    assert.match(created.sipCredentials.password, /^[0-9a-f]{32}$/);
    assert.equal(created.message, 'Agent created with SIP credentials. Extension: 1000');

    const agent = await r.agent(created.user.id);
    assert.equal(agent.spec.displayName, 'John Doe');
    assert.equal(agent.spec.phoneNumber, '+4930123456');
    const secret = await r.secret(`${created.user.id}-sip-credentials`);
    assert.equal(decode(secret, 'password'), created.sipCredentials.password);
    assert.match(decode(secret, 'login-password-hash') ?? '', /^scrypt\$/);
    for (const v of Object.values(secret?.data ?? {}))
      assert.ok(!Buffer.from(v, 'base64').toString().includes('agent-login-pw'));
  });

  it('never returns a password again: list, detail, stats', async () => {
    const list = await admin.call<{ users: User[]; total: number }>(
      'GET',
      '/hr/users?accountType=agent',
    );
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 1);
    assert.equal(list.body.users[0]?.hasSipCredentials, true);
    assert.equal(list.body.users[0]?.registered, false);
    assert.equal(list.body.users[0]?.suspended, false);
    const detail = await admin.call('GET', `/hr/users/${created.user.id}`);
    const stats = await admin.call<{ stats: Record<string, number> }>('GET', '/hr/stats');
    assert.deepEqual(stats.body.stats, {
      totalAgents: 1,
      withSipCredentials: 1,
      registeredNow: 0,
      suspended: 0,
    });
    for (const text of [list.text, detail.text, stats.text]) {
      assert.ok(!text.includes(created.sipCredentials.password));
      assert.doesNotMatch(text, /"password"|login-password-hash|scrypt/);
    }
  });

  it('names the field of a bad body and creates nothing', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...newAgent(''), name: undefined }, 'name', /is required/],
      [newAgent(' padded'), 'name', /wrong format/],
      [newAgent('Jane', { phoneNumber: '030 1234' }), 'phoneNumber', /country code.*E\.164/],
      [newAgent('Jane', { phoneNumber: 'call me' }), 'phoneNumber', /is not a phone number/],
      [newAgent('Jane', { phoneNumber: '+1 555' }), 'phoneNumber', /too few digits/],
      [newAgent('Jane', { password: 'short' }), 'password', /fewer than 8/],
      [newAgent('Jane', { accountType: 'admin' }), 'accountType', /must be one of: agent/],
      [newAgent('Jane', { extension: 42 }), 'extension', /must be >= 100/],
      [newAgent('Jane', { shoeSize: 44 }), 'shoeSize', /unknown field/],
      [newAgent('Jane', { extension: 1000 }), 'extension', /already used by John Doe/],
    ];
    for (const [body, field, message] of cases) {
      const res = await admin.call<ErrorBody>('POST', '/hr/users', body);
      assert.ok(res.status === 400 || res.status === 409, `${field}: ${res.status} ${res.text}`);
      const error = res.body.errors?.find((e) => e.field === field);
      assert.ok(error, `${field} named in ${res.text}`);
      assert.match(error.message, message);
      assert.match(res.body.message, new RegExp(`${field}: `));
    }
    const notJson = await admin.call<ErrorBody>('POST', '/hr/users', undefined, {
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(notJson.status, 400);
    assert.equal((await r.agents()).length, 1, 'nothing was created');
  });

  it('regenerates on request: new username and password, login hash kept', async () => {
    const res = await admin.call<Created>(
      'POST',
      `/hr/users/${created.user.id}/regenerate-sip`,
      {},
    );
    assert.equal(res.status, 200, res.text);
    assert.notEqual(res.body.sipCredentials.password, created.sipCredentials.password);
    assert.match(res.body.sipCredentials.password, /^[0-9a-f]{32}$/);
    assert.equal(res.body.sipCredentials.extension, 1000);
    assert.equal(res.body.user.sipUsername, res.body.sipCredentials.username);
    const secret = await r.secret(`${created.user.id}-sip-credentials`);
    assert.equal(decode(secret, 'password'), res.body.sipCredentials.password);
    assert.match(
      decode(secret, 'login-password-hash') ?? '',
      /^scrypt\$/,
      'the controller kept it',
    );
    created = { ...created, user: res.body.user, sipCredentials: res.body.sipCredentials };
  });

  it('lets the agent sign in to the softphone only, with per-agent TURN credentials', async () => {
    const agent = new ApiSession(base);
    const login = await agent.login(created.user.sipUsername, 'agent-login-pw');
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.role, 'agent');
    assert.equal((await agent.call('GET', '/hr/users')).status, 403);
    assert.equal((await agent.call('POST', '/hr/users', newAgent('Eve'))).status, 403);
    assert.equal((await agent.call('GET', '/hr/webrtc-config')).status, 403);
    const phone = await agent.call<{
      wsUrl: string;
      iceServers: { urls: string[]; username?: string; credential?: string }[];
      username: string;
      extension: number;
    }>('GET', '/softphone/config');
    assert.equal(phone.status, 200);
    assert.equal(phone.headers.get('cache-control'), 'no-store');
    assert.equal(phone.body.wsUrl, 'ws://127.0.0.1:8088/ws');
    assert.equal(phone.body.username, created.user.sipUsername);
    assert.equal(phone.body.extension, 1000);
    assert.deepEqual(phone.body.iceServers[0], { urls: ['stun:stun.example.org:3478'] });
    const turn = phone.body.iceServers[1];
    assert.match(turn?.username ?? '', new RegExp(`^\\d{10}:${created.user.sipUsername}$`));
    assert.match(turn?.credential ?? '', /^[A-Za-z0-9+/]{27}=$/);
    // transfer targets by name: the hotline, never the agent itself
    const directory = await agent.call<{
      entries: { kind: string; name: string; number: string }[];
    }>('GET', '/softphone/directory');
    assert.equal(directory.status, 200, directory.text);
    assert.ok(directory.body.entries.some((e) => e.kind === 'queue' && e.name === 'Hotline'));
    assert.ok(!directory.body.entries.some((e) => e.number === '1000'), 'not the agent itself');
    // Wrong login password: refused like an unknown user.
    assert.equal(
      (await new ApiSession(base).login(created.user.sipUsername, 'wrong-pw')).status,
      401,
    );

    // Suspending ends the agent's session; resuming lets it sign in again.
    const suspend = await admin.call<{ user: User }>('PATCH', `/hr/users/${created.user.id}`, {
      suspended: true,
    });
    assert.equal(suspend.status, 200, suspend.text);
    assert.equal(suspend.body.user.suspended, true);
    await waitUntil(
      'suspended agent signed out',
      async () => (await agent.call('GET', '/softphone/config')).status === 401,
    );
    assert.equal(
      (await new ApiSession(base).login(created.user.sipUsername, 'agent-login-pw')).status,
      403,
    );
    const resume = await admin.call('PATCH', `/hr/users/${created.user.id}`, { suspended: false });
    assert.equal(resume.status, 200);
  });

  it('checks CSRF on every change', async () => {
    const noToken = await admin.call(
      'PATCH',
      `/hr/users/${created.user.id}`,
      { suspended: true },
      { csrf: false },
    );
    assert.equal(noToken.status, 403);
    const other = new ApiSession(base);
    await other.call('GET', '/auth/session');
    const foreign = await admin.call('DELETE', `/hr/users/${created.user.id}`, undefined, {
      csrf: false,
      headers: { 'x-csrf-token': other.csrfToken ?? '' },
    });
    assert.equal(foreign.status, 403, 'a token minted for another browser is refused');
    assert.equal((await r.agent(created.user.id)).spec.suspended, false);
  });

  it('searches and pages on the server', async () => {
    for (const name of ['Jane Roe', 'Max Mustermann', 'Erika Musterfrau'])
      assert.equal((await admin.call('POST', '/hr/users', newAgent(name))).status, 201);
    const search = await admin.call<{ users: User[]; total: number }>(
      'GET',
      '/hr/users?search=muster',
    );
    assert.deepEqual(
      search.body.users.map((u) => u.name),
      ['Max Mustermann', 'Erika Musterfrau'],
    );
    const byExtension = await admin.call<{ users: User[] }>('GET', '/hr/users?search=1003');
    assert.deepEqual(
      byExtension.body.users.map((u) => u.name),
      ['Erika Musterfrau'],
    );
    const page2 = await admin.call<{ users: User[]; total: number; page: number }>(
      'GET',
      '/hr/users?page=2&pageSize=3',
    );
    assert.equal(page2.body.total, 4);
    assert.deepEqual(
      page2.body.users.map((u) => u.sipExtension),
      [1003],
    );
    const bad = await admin.call<ErrorBody>('GET', '/hr/users?pageSize=5000');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors?.[0]?.field, 'pageSize');
  });

  it('deletes an agent (its Secret goes with it)', async () => {
    const res = await admin.call('DELETE', `/hr/users/${created.user.id}`);
    assert.equal(res.status, 200);
    await waitUntil(
      'agent gone from the API',
      async () => (await admin.call('GET', `/hr/users/${created.user.id}`)).status === 404,
    );
    assert.equal((await admin.call('DELETE', `/hr/users/${created.user.id}`)).status, 404);
  });
});

describe('WebRTC settings', () => {
  it('shows the settings and the generated pjsip.conf without secrets', async () => {
    await waitUntil('pjsip.conf generated', async () => {
      const res = await admin.call<{ generated: { pjsipConf: string | null } }>(
        'GET',
        '/hr/webrtc-config',
      );
      return res.body.generated?.pjsipConf !== null;
    });
    const res = await admin.call<{
      settings: { asteriskWsUrl: string; iceServers: { turnServers: unknown[] } };
      generated: { pjsipConf: string; contentHash: string };
    }>('GET', '/hr/webrtc-config');
    assert.equal(res.body.settings.asteriskWsUrl, 'ws://127.0.0.1:8088/ws');
    assert.match(res.body.generated.pjsipConf, /\[transport-ws\]|type ?= ?transport/);
    assert.ok(!res.text.includes('coturn-secret'));
    assert.doesNotMatch(res.body.generated.pjsipConf, /password ?=/);
  });

  it('updates ws URL and ICE servers, and names a bad field', async () => {
    const bad = await admin.call<ErrorBody>('PUT', '/hr/webrtc-config', {
      asteriskWsUrl: 'http://pbx.example.org/ws',
      iceServers: { stunUrls: ['stun:ok.example.org', 'http://nope'] },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors?.map((e) => e.field).sort(), [
      'asteriskWsUrl',
      'iceServers.stunUrls[1]',
    ]);
    const twoSources = await admin.call<ErrorBody>('PUT', '/hr/webrtc-config', {
      asteriskWsUrl: 'wss://pbx.example.org:8089/ws',
      iceServers: {
        turnServers: [
          {
            urls: ['turn:t.example.org'],
            sharedSecret: { name: 'a' },
            credentialsSecret: { name: 'b' },
          },
        ],
      },
    });
    assert.equal(twoSources.status, 400);
    assert.match(twoSources.body.errors?.[0]?.message ?? '', /exactly one credential source/);

    const ok = await admin.call('PUT', '/hr/webrtc-config', {
      asteriskWsUrl: 'wss://pbx.example.org:8089/ws',
      iceServers: { stunUrls: ['stun:stun2.example.org:3478'] },
    });
    assert.equal(ok.status, 200, ok.text);
    const config = await r.config();
    assert.equal(config.spec.asteriskWsUrl, 'wss://pbx.example.org:8089/ws');
    assert.deepEqual(config.spec.iceServers, { stunUrls: ['stun:stun2.example.org:3478'] });
    assert.equal(config.spec.extensions.start, 1000, 'other settings kept');
  });
});

describe('WebRTC settings in the seed workflow’s flat shape', () => {
  const ws = 'wss://pbx.example.org:8089/ws';
  interface FlatAnswer {
    asteriskWsUrl: string;
    stunServer: string | null;
    turnServer: string | null;
    turnUsername: string | null;
    settings: { iceServers: Record<string, unknown> };
  }

  it('takes {stunServer, asteriskWsUrl}', async () => {
    const res = await admin.call<FlatAnswer>('PUT', '/hr/webrtc-config', {
      stunServer: 'stun:stun.l.google.com:19302',
      asteriskWsUrl: ws,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.stunServer, 'stun:stun.l.google.com:19302');
    assert.equal(res.body.turnServer, null);
    assert.deepEqual((await r.config()).spec.iceServers, {
      stunUrls: ['stun:stun.l.google.com:19302'],
    });
  });

  it('keeps a static TURN password in a Secret, never in the WebRTCConfig or an answer', async () => {
    const res = await admin.call<FlatAnswer>('PUT', '/hr/webrtc-config', {
      stunServer: 'stun:stun.l.google.com:19302',
      turnServer: 'turn:turn.example.org:3478',
      turnUsername: 'webrtc',
      turnPassword: 'turn-password-42',
      asteriskWsUrl: ws,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.turnUsername, 'webrtc');
    assert.ok(!res.text.includes('turn-password-42'));
    const secret = await r.secret('switchboard-turn-credentials');
    assert.equal(decode(secret, 'password'), 'turn-password-42');
    assert.equal(decode(secret, 'username'), 'webrtc');
    const config = await r.config();
    assert.ok(!JSON.stringify(config).includes('turn-password-42'));
    assert.deepEqual(config.spec.iceServers.turnServers, [
      {
        urls: ['turn:turn.example.org:3478'],
        credentialsSecret: {
          name: 'switchboard-turn-credentials',
          usernameKey: 'username',
          passwordKey: 'password',
        },
      },
    ]);
    // GET answers both shapes; a round trip without the password keeps it.
    let got = await admin.call<FlatAnswer>('GET', '/hr/webrtc-config');
    await waitUntil('TURN username visible', async () => {
      got = await admin.call<FlatAnswer>('GET', '/hr/webrtc-config');
      return got.body.turnUsername === 'webrtc';
    });
    assert.ok(!got.text.includes('turn-password-42'));
    assert.ok(got.body.settings.iceServers.turnServers);
    const { asteriskWsUrl, stunServer, turnServer, turnUsername } = got.body;
    const again = await admin.call('PUT', '/hr/webrtc-config', {
      asteriskWsUrl,
      stunServer,
      turnServer,
      turnUsername,
    });
    assert.equal(again.status, 200, again.text);
    assert.equal(
      decode(await r.secret('switchboard-turn-credentials'), 'password'),
      'turn-password-42',
    );
  });

  it('names a bad flat field, and a port outside 1–65535 in either shape', async () => {
    const bad = await admin.call<ErrorBody>('PUT', '/hr/webrtc-config', {
      asteriskWsUrl: 'wss://pbx.example.org:70000/ws',
      stunServer: 'stun:stun.example.org:0',
      turnPassword: 'x',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors?.map((e) => `${e.field}: ${e.message}`).sort(), [
      'asteriskWsUrl: the port must be a number from 1 to 65535',
      'stunServer: the port must be a number from 1 to 65535',
    ]);
    const turn = await admin.call<ErrorBody>('PUT', '/hr/webrtc-config', {
      asteriskWsUrl: ws,
      iceServers: {
        turnServers: [
          { urls: ['turn:t.example.org:65536'], sharedSecret: { name: 'turn-shared' } },
        ],
      },
    });
    assert.equal(turn.status, 400);
    assert.deepEqual(
      turn.body.errors?.map((e) => e.field),
      ['iceServers.turnServers[0].urls[0]'],
    );
    const orphan = await admin.call<ErrorBody>('PUT', '/hr/webrtc-config', {
      asteriskWsUrl: ws,
      turnPassword: 'x',
    });
    assert.equal(orphan.status, 400);
    assert.deepEqual(orphan.body.errors, [
      { field: 'turnPassword', message: 'needs a turnServer' },
    ]);
  });
});

describe('a second replica (not the leader)', () => {
  let follower: OperatorProcess;
  before(async () => {
    follower = await startOperator(cluster, ns.name, 'api-b', {
      LOGIN_RATE_LIMIT: '5',
      LOGIN_RATE_WINDOW_MS: '60000',
    });
  });
  after(async () => {
    await follower?.stop();
  });

  it('serves the API and accepts the leader’s sessions (shared signing key)', async () => {
    const s = new ApiSession(`http://127.0.0.1:${follower.port}`);
    for (const [k, v] of admin.cookies) s.cookies.set(k, v);
    s.csrfToken = admin.csrfToken;
    const list = await s.call('GET', '/hr/users');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.total, 3);
  });

  it('rate-limits sign-in attempts', async () => {
    const s = new ApiSession(`http://127.0.0.1:${follower.port}`);
    await s.call('GET', '/auth/session');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await s.call('POST', '/auth/login', { username: 'admin', password: `guess-${i}` })).status,
      );
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const limited = await s.call<ErrorBody>('POST', '/auth/login', {
      username: 'admin',
      password: adminPassword,
    });
    assert.equal(limited.status, 429, 'even the right password waits');
    assert.match(limited.body.message, /too many sign-in attempts/);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });
});

describe('HR API for scripts (API tokens)', () => {
  interface TokenInfo {
    id: string;
    name: string;
    scopes: string[];
    lastUsedAt: string | null;
    expiresAt: string;
    expired: boolean;
  }
  const makeToken = async (name: string, scopes: string[], extra: Record<string, unknown> = {}) => {
    const res = await admin.call<{ token: string; tokenInfo: TokenInfo }>('POST', '/auth/tokens', {
      name,
      scopes,
      ...extra,
    });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  /** A call as curl makes it: this body text, a Bearer header, no cookie, no CSRF token. */
  const curl = async (method: string, path: string, token: string, body?: string) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
  };
  /** The shape of a JSON value: keys and value types, recursively (arrays by their first item). */
  const shape = (v: unknown): unknown =>
    Array.isArray(v)
      ? [v.length ? shape(v[0]) : 'empty']
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
          )
        : v === null
          ? 'null'
          : typeof v;

  let full: { token: string; tokenInfo: TokenInfo };

  it('is made by the admin, shown once, stored only as a SHA-256', async () => {
    full = await makeToken('hr-sync', ['agents:read', 'agents:write', 'settings:write'], {
      expiresInDays: 30,
    });
    assert.match(full.token, /^sbt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const stored = await r.secret('switchboard-api-tokens');
    const text = Object.values(stored?.data ?? {})
      .map((v) => Buffer.from(v, 'base64').toString())
      .join('\n');
    assert.ok(!text.includes(full.token), 'the token itself is not stored');
    assert.match(text, /"hash":"[0-9a-f]{64}"/);
    const list = await admin.call<{ tokens: TokenInfo[] }>('GET', '/auth/tokens');
    assert.ok(!list.text.includes(full.token));
    assert.deepEqual(
      list.body.tokens.map((t) => [t.name, t.scopes, t.lastUsedAt]),
      [['hr-sync', ['agents:read', 'agents:write', 'settings:write'], null]],
    );
    const again = await admin.call('POST', '/auth/tokens', {
      name: 'hr-sync',
      scopes: ['agents:read'],
    });
    assert.equal(again.status, 409);
  });

  it("runs the brief's three calls with one extra header, in the brief's shapes", async () => {
    const created = await curl(
      'POST',
      '/hr/users',
      full.token,
      '{"name": "Иван Петров", "phoneNumber": "+232 76 123 456", "password": "securepass123", "accountType": "agent"}',
    );
    assert.equal(created.status, 201, created.text);
    // The brief's answer: { status, user: {…}, sipCredentials: {username, password, extension}, message }.
    assert.deepEqual(Object.keys(created.body).sort(), [
      'message',
      'sipCredentials',
      'status',
      'user',
    ]);
    assert.deepEqual(shape(created.body.sipCredentials), {
      extension: 'number',
      password: 'string',
      username: 'string',
    });
    assert.equal(created.body.status, 'ok');
    const user = created.body.user as Record<string, unknown>;
    const sip = created.body.sipCredentials as Record<string, unknown>;
    for (const key of [
      'id',
      'name',
      'phoneNumber',
      'sipUsername',
      'sipExtension',
      'hasSipCredentials',
    ])
      assert.ok(key in user, `user.${key}`);
    assert.equal(user.phoneNumber, '+23276123456', 'stored in E.164');
    assert.match(String(sip.username), /^ivan_petrov_\d{10}$/, 'transliterated');
    assert.match(String(sip.password), /^[0-9a-f]{32}$/);
    assert.equal((await r.agent(String(user.id))).spec.phoneNumber, '+23276123456');

    const list = await curl('GET', '/hr/users?accountType=agent', full.token);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.status, 'ok');
    assert.equal(typeof list.body.total, 'number');
    const users = list.body.users as Record<string, unknown>[];
    const { sipPasswordGenerated: _, ...listed } = user;
    assert.deepEqual(
      shape(users.find((u) => u.id === user.id)),
      shape(listed),
      'listed as created, without the password flag',
    );
    assert.ok(!list.text.includes(String(sip.password)), 'the password is answered once only');

    const stunOnly = await curl(
      'PUT',
      '/hr/webrtc-config',
      full.token,
      '{"stunServer": "stun:stun.l.google.com:19302", "asteriskWsUrl": "wss://pbx.example.org:8089/ws"}',
    );
    assert.equal(stunOnly.status, 200, stunOnly.text);
    const withTurn = await curl(
      'PUT',
      '/hr/webrtc-config',
      full.token,
      '{"stunServer": "stun:stun.l.google.com:19302", "turnServer": "turn:turn.example.org:3478", "turnUsername": "webrtc", "turnPassword": "turn-secret-77", "asteriskWsUrl": "wss://pbx.example.org:8089/ws"}',
    );
    assert.equal(withTurn.status, 200, withTurn.text);
    assert.ok(!withTurn.text.includes('turn-secret-77'));
    const { asteriskWsUrl, stunServer, turnServer, turnUsername } = withTurn.body;
    assert.deepEqual(
      { asteriskWsUrl, stunServer, turnServer, turnUsername },
      {
        asteriskWsUrl: 'wss://pbx.example.org:8089/ws',
        stunServer: 'stun:stun.l.google.com:19302',
        turnServer: 'turn:turn.example.org:3478',
        turnUsername: 'webrtc',
      },
    );
  });

  it('lists the last use (written in batches) and logs every use without the token', async () => {
    await waitUntil('last use written to the Secret', async () => {
      const stored = await r.secret('switchboard-api-tokens');
      return Boolean(stored?.data?.[`last-used.${full.tokenInfo.id}`]);
    });
    const list = await admin.call<{ tokens: TokenInfo[] }>('GET', '/auth/tokens');
    assert.ok(list.body.tokens[0]?.lastUsedAt, 'last used shown');
    const log = await readFile(operator.logPath, 'utf8');
    assert.match(log, /"token":"hr-sync".*"API token used"|"API token used".*"token":"hr-sync"/);
    assert.ok(!log.includes(full.token), 'the token is never logged');
  });

  it("refuses a call outside the token's scope, and token management by token", async () => {
    const reader = await makeToken('reporting', ['agents:read']);
    assert.equal((await curl('GET', '/hr/users', reader.token)).status, 200);
    const post = await curl('POST', '/hr/users', reader.token, JSON.stringify(newAgent('Eve')));
    assert.equal(post.status, 403);
    assert.match(String(post.body.message), /lacks the scope agents:write/);
    const put = await curl(
      'PUT',
      '/hr/webrtc-config',
      reader.token,
      '{"asteriskWsUrl": "ws://x:1/ws"}',
    );
    assert.equal(put.status, 403);
    assert.match(String(put.body.message), /settings:write/);
    assert.equal((await curl('GET', '/auth/tokens', full.token)).status, 401);
    assert.equal((await curl('GET', '/softphone/config', full.token)).status, 401);
    assert.equal((await curl('GET', '/hr/users', 'sbt_0000000000000000_nope')).status, 401);
  });

  it('refuses a revoked token and an expired one', async () => {
    const revoke = await admin.call('DELETE', `/auth/tokens/${full.tokenInfo.id}`);
    assert.equal(revoke.status, 200, revoke.text);
    const revoked = await curl('GET', '/hr/users', full.token);
    assert.equal(revoked.status, 401);
    assert.match(String(revoked.body.message), /invalid or revoked API token/);
    assert.equal((await admin.call('DELETE', `/auth/tokens/${full.tokenInfo.id}`)).status, 404);

    const brief = await makeToken('short-lived', ['agents:read'], {
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    assert.equal((await curl('GET', '/hr/users', brief.token)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const expired = await curl('GET', '/hr/users', brief.token);
    assert.equal(expired.status, 401);
    assert.match(String(expired.body.message), /has expired/);
    const list = await admin.call<{ tokens: TokenInfo[] }>('GET', '/auth/tokens');
    assert.deepEqual(
      list.body.tokens.map((t) => [t.name, t.expired]),
      [
        ['reporting', false],
        ['short-lived', true],
      ],
    );
  });
});
