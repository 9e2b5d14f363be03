// The AMI test server agrees with a real Asterisk 22 wherever both answer
// (DESIGN.md's non-negotiables). A real Asterisk (the cached source build, run
// by scripts/lib/asterisk-process.ts) and the test server run over the SAME
// configuration directory: asterisk/etc's base files with the files
// Switchboard renders in switchboard/, and the AMI users of
// ami/manager_user.conf. Every request goes to both as the same bytes
// (twin.ts); answers and events must be equal once clocks, random challenges
// and build details are normalised. GAPS.md says what this checks and what
// is still open.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agent, spec } from '../../operator/src/asterisk/render/fixtures.ts';
import {
  INCLUDE_DIR,
  type RenderAgent,
  renderAsteriskConfig,
} from '../../operator/src/asterisk/render/index.ts';
import { type AsteriskProcess, createAsterisk } from '../../scripts/lib/asterisk-process.ts';
import { type AmiServer, startAmiServer } from './server.ts';
import { type Outcome, request, type Side, Twin } from './twin.ts';

/** What the chart's AMI user may do (asterisk/etc/manager.conf): createAsterisk writes it so. */
const OPERATOR_CLASSES = { read: 'system,agent', write: 'system,agent' } as const;
/** A second user for what the operator's may not do: queue changes, Command, UpdateConfig. */
const AGENTS_USER = {
  username: 'agents',
  secret: randomBytes(16).toString('hex'),
  read: 'system,agent',
  write: 'system,agent,command,config',
} as const;

const AGENTS: readonly RenderAgent[] = [
  agent(0),
  agent(1, { maxContacts: 2 }),
  agent(2, { codecs: ['opus'] }),
];
/** A shard file none of AGENTS lands in: extra sections for the config-behaviour cases go there. */
const EXTRA_FILE = 'pjsip_endpoints_00.conf';

let asterisk: AsteriskProcess;
let server: AmiServer;
let dir: string;
let etc: string;
const twins: Twin[] = [];

type Request = string | Record<string, string> | ((side: Side) => string);

/** Writes the rendered configuration into <etc>/switchboard, as the projector would. */
function project(agents: readonly RenderAgent[], extra = ''): void {
  const objects = renderAsteriskConfig({ namespace: 'ns', config: spec(), agents });
  let extraWritten = false;
  for (const o of objects)
    for (const [file, text] of Object.entries(o.files)) {
      if (file === EXTRA_FILE)
        assert.ok(!text.includes('(switchboard-endpoint)'), `${file} has no agent`);
      const withExtra = file === EXTRA_FILE ? `${text}\n${extra}` : text;
      extraWritten ||= file === EXTRA_FILE;
      writeFileSync(join(etc, INCLUDE_DIR, file), withExtra, { mode: 0o644 });
    }
  assert.ok(extraWritten || extra === '', `${EXTRA_FILE} is rendered`);
}

async function open(): Promise<Twin> {
  const t = await Twin.open({ real: asterisk.amiPort, fake: server.port });
  twins.push(t);
  return t;
}

/** Sends a request to both and asserts the same outcome; returns it. */
async function agree(t: Twin, req: Request, what: string): Promise<Outcome> {
  const bytes = typeof req === 'object' ? request(req) : req;
  const { real, fake } = await t.exchange(bytes);
  assert.deepEqual(fake, real, `${what}: the test server answers otherwise than Asterisk`);
  return real;
}

const loginAs = (user: { username: string; secret: string }, extra: Record<string, string> = {}) =>
  request({
    Action: 'Login',
    ActionID: 'login',
    Username: user.username,
    Secret: user.secret,
    ...extra,
  });

/** A twin logged in as `user` (events on unless said otherwise), the Login compared. */
async function session(
  user: { username: string; secret: string } = asterisk.ami,
  extra: Record<string, string> = {},
): Promise<Twin> {
  const t = await open();
  await agree(t, loginAs(user, extra), `Login as ${user.username}`);
  return t;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-asterisk-agreement-'));
  asterisk = await createAsterisk({ dir });
  etc = asterisk.etcDir;
  project(AGENTS);
  // The second AMI user goes into the Secret's file before Asterisk starts.
  const users = join(etc, 'ami', 'manager_user.conf');
  const mode = statSync(users).mode & 0o777;
  chmodSync(users, 0o640);
  appendFileSync(
    users,
    `\n[${AGENTS_USER.username}]\nsecret = ${AGENTS_USER.secret}\nread = ${AGENTS_USER.read}\nwrite = ${AGENTS_USER.write}\n`,
  );
  chmodSync(users, mode);
  await asterisk.start();
  server = await startAmiServer({
    ...asterisk.ami,
    ...OPERATOR_CLASSES,
    users: [AGENTS_USER],
    configDir: etc,
    etcDir: etc,
  });
});

after(async () => {
  for (const t of twins.splice(0)) t.close();
  await server?.close();
  await asterisk?.stop();
  if (dir && !process.env.SWITCHBOARD_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
});

describe('the AMI test server and Asterisk 22 agree on sessions', () => {
  it('greet alike, and let only Login, Logoff and Challenge through before a login', async () => {
    const t = await open();
    const banners = t.banners();
    assert.equal(banners.fake, banners.real);
    await agree(t, { Action: 'Ping', ActionID: 'p' }, 'Ping before login');
    await agree(t, { Action: 'CoreStatus', ActionID: 'c' }, 'CoreStatus before login');
    await agree(t, { Action: 'FooBar', ActionID: 'f' }, 'unknown action before login');
    await agree(t, { Action: 'Challenge', ActionID: 'ch' }, 'Challenge without AuthType');
    await agree(t, { Action: 'Challenge', ActionID: 'ch', AuthType: 'MD5' }, 'Challenge');
    const gone = await agree(t, { Action: 'Logoff', ActionID: 'bye' }, 'Logoff before login');
    assert.ok(gone.closed);
  });

  it('refuse a wrong secret and an unknown user, and close the connection', async () => {
    const wrong = await open();
    const refused = await agree(
      wrong,
      loginAs({ username: asterisk.ami.username, secret: 'wrong' }),
      'Login with a wrong secret',
    );
    assert.ok(refused.closed);
    const unknown = await open();
    await agree(unknown, loginAs({ username: 'nobody', secret: 'x' }), 'Login of an unknown user');
  });

  it('log in by MD5 challenge, and refuse a wrong key', async () => {
    for (const good of [true, false]) {
      const t = await open();
      const challenge = await t.exchange(request({ Action: 'Challenge', AuthType: 'md5' }));
      assert.deepEqual(challenge.fake, challenge.real);
      const key = (side: Side) => {
        const text = t.last[side].join('');
        const value = /^Challenge: (\d+)\r$/m.exec(text)?.[1] ?? assert.fail(text);
        const secret = good ? asterisk.ami.secret : 'wrong';
        return createHash('md5').update(value).update(secret).digest('hex');
      };
      const { real, fake } = await t.exchange((side) =>
        request({
          Action: 'Login',
          ActionID: 'md5',
          Username: asterisk.ami.username,
          AuthType: 'MD5',
          Key: key(side),
        }),
      );
      assert.deepEqual(fake, real, `MD5 Login with a ${good ? 'good' : 'wrong'} key`);
      assert.equal(real.closed, !good);
    }
  });

  it('log in with events on, off or by class, the user name in any case', async () => {
    await session(asterisk.ami, { Events: 'off' });
    await session({ ...asterisk.ami, username: asterisk.ami.username.toUpperCase() }, {});
    await session(asterisk.ami, { Events: 'system' });
    await session(asterisk.ami, { Events: 'call,agent' });
    await session(asterisk.ami, { Events: '0' });
    const t = await session(AGENTS_USER);
    await agree(t, loginAs(AGENTS_USER), 'a second Login');
  });

  it('answer Ping, malformed and unknown requests, core status and Logoff alike', async () => {
    const t = await session();
    await agree(t, { Action: 'Ping', ActionID: 'p1' }, 'Ping');
    await agree(t, { Action: 'Ping' }, 'Ping without ActionID');
    await agree(t, 'action: PING\r\nactionid: lower\r\n\r\n', 'names in any case');
    await agree(t, 'Action: Ping\r\nActionID:\r\n\r\n', 'an empty ActionID');
    await agree(t, '\r\n', 'an empty request');
    await agree(t, { Action: 'FooBar', ActionID: 'f' }, 'an unknown action');
    await agree(t, { ActionID: 'n', Foo: 'bar' }, 'no Action header');
    await agree(t, { Action: 'CoreStatus', ActionID: 'cs' }, 'CoreStatus');
    await agree(t, { Action: 'CoreSettings', ActionID: 'cse' }, 'CoreSettings');
    const done = await agree(t, { Action: 'Logoff', ActionID: 'bye' }, 'Logoff');
    assert.ok(done.closed);
  });

  it("refuse what the operator's user may not write (system and agent only)", async () => {
    const t = await session();
    await agree(t, { Action: 'Command', ActionID: 'c', Command: 'core show version' }, 'Command');
    await agree(
      t,
      { Action: 'UpdateConfig', ActionID: 'u', SrcFilename: 'x.conf', DstFilename: 'x.conf' },
      'UpdateConfig',
    );
  });
});

describe('the AMI test server and Asterisk 22 agree on configuration files', () => {
  it('show the generated files and their hash categories through GetConfig', async () => {
    const t = await session(asterisk.ami, { Events: 'off' });
    for (const file of ['pjsip.conf', 'extensions.conf', 'queues.conf', 'rtp.conf'])
      await agree(t, { Action: 'GetConfig', ActionID: file, Filename: file }, `GetConfig ${file}`);
    for (const file of ['pjsip.conf', 'extensions.conf'])
      await agree(
        t,
        { Action: 'GetConfig', ActionID: 'h', Filename: file, Category: 'switchboard-hash' },
        `the switchboard-hash categories of ${file}`,
      );
    await agree(
      t,
      { Action: 'GetConfig', ActionID: 'q', Filename: 'queues.conf', Category: 'general' },
      'the [general] categories of queues.conf',
    );
    await agree(
      t,
      { Action: 'GetConfigJSON', ActionID: 'j', Filename: 'pjsip.conf' },
      'GetConfigJSON pjsip.conf',
    );
  });

  it('select categories and lines as config.c does', async () => {
    const t = await session(asterisk.ami, { Events: 'off' });
    const cases: [string | undefined, string | undefined][] = [
      ['SWITCHBOARD-WSS', undefined],
      ['nosuchcat', undefined],
      [undefined, 'type=endpoint'],
      [undefined, 'type=endpoint,aors=agent_1_1700000000'],
      [undefined, 'type=^aor$'],
      [undefined, 'TEMPLATES=include'],
      [undefined, 'TEMPLATES=restrict,type=endpoint'],
      [undefined, 'type'],
      [undefined, 'nosuchoption=x'],
      ['agent_0_1700000000', 'type=aor'],
      ['switchboard-endpoint', undefined],
    ];
    for (const [category, filter] of cases) {
      const fields = {
        ActionID: 'sel',
        Filename: 'pjsip.conf',
        ...(category === undefined ? {} : { Category: category }),
        ...(filter === undefined ? {} : { Filter: filter }),
      };
      const what = `Category ${category ?? '-'} Filter ${filter ?? '-'}`;
      await agree(t, { Action: 'GetConfig', ...fields }, `GetConfig ${what}`);
      await agree(t, { Action: 'GetConfigJSON', ...fields }, `GetConfigJSON ${what}`);
    }
  });

  it('refuse unknown files, files outside the config directory and a missing name', async () => {
    const t = await session(asterisk.ami, { Events: 'off' });
    const names = [
      'no_such_file.conf',
      '/etc/passwd',
      '../../../../../../../etc/passwd',
      `${etc}/pjsip.conf`,
      '/etc/asterisk/pjsip.conf',
      `${INCLUDE_DIR}/pjsip_endpoints_17.conf`,
      `${INCLUDE_DIR}/pjsip_auth_00.conf`,
    ];
    for (const action of ['GetConfig', 'GetConfigJSON']) {
      for (const name of names)
        await agree(t, { Action: action, ActionID: 'f', Filename: name }, `${action} ${name}`);
      await agree(t, { Action: action, ActionID: 'f' }, `${action} without a Filename`);
    }
  });

  it('read files as config.c does: includes, templates, appends, comments, errors', async () => {
    const files: Record<string, string> = {
      'agreement-a.conf': [
        '[a]',
        'k1 = v1',
        'k2 => v2',
        'k1 += more',
        'k3 += fresh',
        'semi = a\\;b ; comment',
        ';-- a block',
        'comment --;',
        'after = block',
        ' = novalue',
        'noequals',
        '[b](!)',
        't = 1',
        '[c](b)',
        'own = 2',
        '[a](+)',
        'added = 3',
        '#include agreement-a-inc.conf',
        'back = in a',
        '[d]',
        'x=1',
        '#exec /bin/true',
        '#foo bar',
        '[E]',
        'y=1',
        '[f](!,b)',
        'z=1',
        '[g](f)',
        '[a]',
        'second = a',
        '',
      ].join('\n'),
      'agreement-a-inc.conf': 'top = in-include\n[e]\ny = 2\n',
      'agreement-b.conf': '[a]\nk=1\n[x](nosuch)\nk=2\n',
      'agreement-c.conf': '[a]\nk=1\n[x](+)\nk=2\n',
      'agreement-d.conf': 'k=1\n[a]\n',
      'agreement-e.conf': '[a\nk=1\n',
      'agreement-f.conf':
        '[a]\n#include agreement-glob-*.conf\n#tryinclude agreement-none-*.conf\n',
      'agreement-glob-2.conf': '[two]\nk=2\n',
      'agreement-glob-1.conf': '[one]\nk=1\n',
      'agreement-g.conf': '[a]\n#tryinclude no_such_file.conf\nk=1\n',
      'agreement-h.conf': '[a]\n#include no_such_file.conf\nk=1\n',
      'agreement-i.conf': '[a]\nk="quoted" ; c\n\tindented = yes  \nempty =\n',
      'agreement-j.conf': '[a]\n#include agreement-j-inc.conf\nafter = yes\n[b]\nk=1\n',
      'agreement-j-inc.conf': '[in]\nk=1\n#include no_such_file.conf\nlost = yes\n[x](nosuch)\n',
      'agreement-k.conf': '[a]\n#include agreement-k-inc.conf\nafter = yes\n',
      'agreement-k-inc.conf': '[in]\nk=1\n[x](nosuch)\nlost = yes\n',
      'agreement-loop.conf': '[loop]\nk=1\n#include agreement-loop.conf\nafter = yes\n',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(etc, name), text);
    try {
      const t = await session(asterisk.ami, { Events: 'off' });
      for (const name of Object.keys(files)) {
        if (name.includes('-inc') || name.includes('-glob-')) continue;
        await agree(t, { Action: 'GetConfig', ActionID: 'r', Filename: name }, `GetConfig ${name}`);
        await agree(
          t,
          { Action: 'GetConfigJSON', ActionID: 'r', Filename: name },
          `GetConfigJSON ${name}`,
        );
      }
      await agree(
        t,
        { Action: 'GetConfig', ActionID: 'r', Filename: 'agreement-a.conf', Category: 'e' },
        'a category asked in another case',
      );
    } finally {
      for (const name of Object.keys(files)) rmSync(join(etc, name), { force: true });
    }
  });
  it('edit a file through UpdateConfig for a user with the config class', async () => {
    const src = 'agreement-update.conf';
    const dst = (side: Side) => `agreement-update-${side}.conf`;
    const sides: Side[] = ['real', 'fake'];
    writeFileSync(
      join(etc, src),
      '[keep]\nk = 1\n[gone]\nx = 2\n[tpl](!)\nt = 3\n[uses](tpl)\nu = 4\n',
    );
    for (const side of sides) {
      writeFileSync(join(etc, dst(side)), '');
      // Asterisk runs as "nobody" when the tests run as root: it must be able to write.
      if (asterisk.runAs) chownSync(join(etc, dst(side)), asterisk.runAs.uid, asterisk.runAs.gid);
    }
    const update =
      (fields: Record<string, string>, to: (side: Side) => string = dst) =>
      (side: Side) =>
        request({
          Action: 'UpdateConfig',
          ActionID: 'u',
          SrcFilename: src,
          DstFilename: to(side),
          ...fields,
        });
    try {
      const t = await session(AGENTS_USER, { Events: 'off' });
      await agree(
        t,
        update({
          'Action-000000': 'NewCat',
          'Cat-000000': 'added',
          'Action-000001': 'Append',
          'Cat-000001': 'added',
          'Var-000001': 'a',
          'Value-000001': 'b',
          'Action-000002': 'DelCat',
          'Cat-000002': 'gone',
          'Action-000003': 'Append',
          'Cat-000003': 'keep',
          'Var-000003': 'k2',
          'Value-000003': 'v2',
        }),
        'UpdateConfig with NewCat, Append, DelCat',
      );
      await agree(
        t,
        (side) => request({ Action: 'GetConfig', ActionID: 'g', Filename: dst(side) }),
        'the file UpdateConfig wrote',
      );
      const errors: [string, Record<string, string>][] = [
        ['DelCat of a missing category', { 'Action-000000': 'DelCat', 'Cat-000000': 'nosuch' }],
        [
          'Append to a missing category',
          { 'Action-000000': 'Append', 'Cat-000000': 'nosuch', 'Var-000000': 'a' },
        ],
        ['an unknown edit', { 'Action-000000': 'Frobnicate', 'Cat-000000': 'keep' }],
        ['NewCat without Cat', { 'Action-000000': 'NewCat' }],
        ['Append without Var', { 'Action-000000': 'Append', 'Cat-000000': 'keep' }],
      ];
      for (const [what, fields] of errors) await agree(t, update(fields), `UpdateConfig: ${what}`);
      for (const to of ['agreement-update-none.conf', '/etc/passwd', ''])
        await agree(
          t,
          update({}, () => to),
          `UpdateConfig to "${to}"`,
        );
    } finally {
      for (const name of [src, ...sides.map(dst)]) rmSync(join(etc, name), { force: true });
    }
  });
});

describe('the AMI test server and Asterisk 22 agree on reloads, endpoints and queues', () => {
  it('reload the modules Switchboard reloads, and refuse an unknown one', async () => {
    const t = await session();
    for (const module of [
      'res_pjsip.so',
      'pbx_config.so',
      'app_queue.so',
      'res_rtp_asterisk.so',
      'nosuch.so',
      'RES_PJSIP',
      'app_queue',
    ])
      await agree(t, { Action: 'Reload', ActionID: 'rl', Module: module }, `Reload ${module}`);
    await agree(t, { Action: 'Reload', ActionID: 'rl' }, 'Reload of everything');
  });

  it('list endpoints and their objects, and no contacts or outbound registrations before any', async () => {
    const t = await session(asterisk.ami, { Events: 'off' });
    await agree(t, { Action: 'PJSIPShowEndpoints', ActionID: 'eps' }, 'PJSIPShowEndpoints');
    for (const a of AGENTS)
      await agree(
        t,
        { Action: 'PJSIPShowEndpoint', ActionID: 'ep', Endpoint: a.sipUsername },
        `PJSIPShowEndpoint ${a.sipUsername}`,
      );
    await agree(
      t,
      { Action: 'PJSIPShowEndpoint', ActionID: 'ep', Endpoint: 'nosuch' },
      'PJSIPShowEndpoint of an unknown endpoint',
    );
    await agree(
      t,
      { Action: 'PJSIPShowEndpoint', ActionID: 'ep', Endpoint: `pjsip/${AGENTS[0]?.sipUsername}` },
      'PJSIPShowEndpoint of PJSIP/<endpoint>',
    );
    await agree(
      t,
      { Action: 'PJSIPShowEndpoint', ActionID: 'ep' },
      'PJSIPShowEndpoint without Endpoint',
    );
    await agree(t, { Action: 'PJSIPShowContacts', ActionID: 'ct' }, 'PJSIPShowContacts');
    // No SipTrunk here: an empty list, still with its Registered/NotRegistered counts.
    await agree(
      t,
      { Action: 'PJSIPShowRegistrationsOutbound', ActionID: 'reg' },
      'PJSIPShowRegistrationsOutbound',
    );
  });

  it('show queues to any user', async () => {
    const t = await session();
    const asks: Record<string, string>[] = [
      {},
      { Queue: 'support' },
      { Queue: 'nosuch' },
      { Member: AGENTS[0]?.sipUsername ? `PJSIP/${AGENTS[0].sipUsername}` : '' },
    ];
    for (const ask of asks) {
      await agree(t, { Action: 'QueueStatus', ActionID: 'qs', ...ask }, 'QueueStatus');
      await agree(t, { Action: 'QueueSummary', ActionID: 'qsum', ...ask }, 'QueueSummary');
    }
  });

  it("keep who signed out in astdb: DBPut, DBGetTree, DBDel for the operator's user", async () => {
    const t = await session();
    const family = `switchboard-agreement-${randomBytes(3).toString('hex')}`;
    const steps: [string, Record<string, string>][] = [
      ['DBGetTree of an empty family', { Family: family }],
      ['DBPut', { Family: family, Key: 'ann', Val: '2026-12-04T20:00:00.000Z' }],
      ['DBPut', { Family: family, Key: 'bob', Val: 'x' }],
      ['DBPut without Key', { Family: family }],
      ['DBGetTree', { Family: family }],
      ['DBGetTree of one key', { Family: family, Key: 'bob' }],
      ['DBDel', { Family: family, Key: 'ann' }],
      ['DBDel again', { Family: family, Key: 'ann' }],
      ['DBGetTree after the delete', { Family: family }],
      ['DBDel', { Family: family, Key: 'bob' }],
    ];
    for (const [what, fields] of steps)
      await agree(t, { Action: what.split(' ')[0] ?? what, ActionID: 'db', ...fields }, what);
  });

  it('add, pause and remove queue members for a user with the agent class', async () => {
    // A session of the operator's user that asked for system events only.
    const watcher = await session(asterisk.ami, { Events: 'system' });
    const t = await session(AGENTS_USER);
    const local = 'Local/1000@switchboard-agents';
    const member = `PJSIP/${AGENTS[0]?.sipUsername}`;
    const steps: [string, Record<string, string>][] = [
      [
        'QueueAdd',
        { Queue: 'support', Interface: local, MemberName: 'echo', Penalty: '0', Paused: 'false' },
      ],
      ['QueueAdd again', { Queue: 'support', Interface: local }],
      ['QueueAdd to an unknown queue', { Queue: 'nosuch', Interface: local }],
      ['QueueAdd without Queue', { Interface: local }],
      ['QueueAdd without Interface', { Queue: 'support' }],
      [
        'QueueAdd paused, another state interface',
        {
          Queue: 'support',
          Interface: 'PJSIP/nosuch',
          Paused: 'true',
          Penalty: '3',
          StateInterface: member,
        },
      ],
      ['QueuePause', { Queue: 'support', Interface: local, Paused: 'true', Reason: 'lunch' }],
      ['QueuePause off', { Queue: 'support', Interface: local, Paused: 'false' }],
      ['QueuePause in every queue', { Interface: local, Paused: 'yes' }],
      ['QueuePause of a non-member', { Queue: 'support', Interface: 'PJSIP/x', Paused: 'true' }],
      ['QueuePause without Paused', { Queue: 'support', Interface: local }],
      ['QueuePenalty', { Queue: 'support', Interface: local, Penalty: '4' }],
      ['QueuePenalty in every queue', { Interface: local, Penalty: '2' }],
      ['QueuePenalty of a non-member', { Queue: 'support', Interface: 'PJSIP/x', Penalty: '1' }],
      ['QueuePenalty without Penalty', { Queue: 'support', Interface: local }],
      [
        'QueueAdd paused with a reason',
        { Queue: 'support', Interface: 'PJSIP/reasoned', Paused: 'true', Reason: 'lunch' },
      ],
      // Gone again before QueueStatus: app_queue lists members in hash order, the server does not.
      ['QueueRemove of the paused one', { Queue: 'support', Interface: 'PJSIP/reasoned' }],
      ['QueueStatus', {}],
      ['QueueSummary', {}],
    ];
    const run = async (what: string, fields: Record<string, string>) => {
      const action = what.split(' ')[0] ?? what;
      await agree(t, { Action: action, ActionID: 'q', ...fields }, what);
    };
    for (const [what, fields] of steps) await run(what, fields);
    // An app_queue reload keeps the dynamic members.
    await agree(
      t,
      { Action: 'Reload', ActionID: 'rl', Module: 'app_queue.so' },
      'Reload app_queue',
    );
    await run('QueueStatus after the reload', { Queue: 'support' });
    for (const [what, fields] of [
      ['QueueRemove', { Queue: 'support', Interface: local }],
      ['QueueRemove again', { Queue: 'support', Interface: local }],
      ['QueueRemove from an unknown queue', { Queue: 'nosuch', Interface: local }],
      ['QueueRemove without Interface', { Queue: 'support' }],
      ['QueueRemove', { Queue: 'support', Interface: 'PJSIP/nosuch' }],
      ['QueueSummary', {}],
    ] as const)
      await run(what, fields);
    // What the operator's session saw meanwhile: the Reload event only.
    const seen = await agree(watcher, { Action: 'Ping', ActionID: 'w' }, "the operator's events");
    assert.deepEqual(
      seen.events.map((e) => e.split('\r\n', 1)[0]),
      ['Event: Reload'],
    );
  });

  it('run CLI commands through Command for a user with the command class', async () => {
    const t = await session(AGENTS_USER); // events on: module reload publishes Reload
    for (const command of [
      'core show version',
      'module reload res_pjsip.so',
      'module reload nosuch.so',
      'dialplan reload',
      'pjsip reload',
    ])
      await agree(t, { Action: 'Command', ActionID: 'cmd', Command: command }, command);
    await agree(t, { Action: 'Command', ActionID: 'cmd' }, 'Command without a command');
  });
});

describe('the AMI test server and Asterisk 22 load bad PJSIP configuration alike', () => {
  const agentIds = (agents: readonly RenderAgent[]) => agents.map((a) => a.sipUsername);

  /**
   * Reloads res_pjsip on both, compares the Reload, the endpoint list and the
   * `shown` endpoints, and returns the endpoints Asterisk has now (sorted), so
   * a case can say what it expects and the comparison is never vacuous.
   */
  async function reloadAndCompare(what: string, shown: readonly string[]): Promise<string[]> {
    const t = await session();
    await agree(t, { Action: 'Reload', ActionID: 'rl', Module: 'res_pjsip.so' }, `${what}: Reload`);
    const list = await agree(t, { Action: 'PJSIPShowEndpoints', ActionID: 'eps' }, `${what}: list`);
    for (const id of shown)
      await agree(
        t,
        { Action: 'PJSIPShowEndpoint', ActionID: 'ep', Endpoint: id },
        `${what}: endpoint ${id}`,
      );
    t.close();
    return list.answer.flatMap((m) => /^ObjectName: (.*)\r$/m.exec(m)?.[1] ?? []);
  }

  after(async () => {
    project(AGENTS);
    assert.deepEqual(await reloadAndCompare('restored', []), agentIds(AGENTS));
  });

  it('load extra endpoints: several AORs and auths, a missing transport, plain SIP', async () => {
    const extra = [
      '[extra](switchboard-endpoint)',
      'aors = extra,extra_b,nosuch_aor',
      'auth = extra',
      'outbound_auth = extra_out',
      '[extra](switchboard-aor)',
      'max_contacts = 3',
      '[extra_b]',
      'type = aor',
      '[extra]',
      'type = auth',
      'username = extra',
      'password = x',
      '[extra_out]',
      'type = auth',
      'username = out',
      'password = y',
      '[no_transport](switchboard-endpoint)',
      'transport = nosuch',
      'aors = extra_b',
      'auth = extra',
      '[plain]',
      'type = endpoint',
      'context = somewhere',
      'allow = !all,ulaw',
      '',
    ].join('\n');
    project(AGENTS, extra);
    const loaded = await reloadAndCompare('extra endpoints', ['extra', 'no_transport', 'plain']);
    assert.deepEqual(loaded, [...agentIds(AGENTS), 'extra', 'no_transport', 'plain']);
    // Two endpoints of one name: the whole endpoint type keeps its previous objects.
    project(
      AGENTS,
      `${extra}[dup]\ntype = endpoint\n[dup]\ntype = endpoint\n[extra_c]\ntype = aor\n`,
    );
    const kept = await reloadAndCompare('a duplicate endpoint', ['dup', 'extra']);
    assert.deepEqual(kept, loaded);
  });

  it('fail an endpoint with an unknown option or a bad value while the others load', async () => {
    project(
      AGENTS,
      [
        '[bad_option](switchboard-endpoint)',
        'no_such_option = 1',
        '[bad_max](switchboard-aor)',
        'max_contacts = abc',
        '[bad_max](switchboard-endpoint)',
        'aors = bad_max',
        '[perhaps](switchboard-endpoint)',
        'direct_media = perhaps',
        '[bad_dtmf](switchboard-endpoint)',
        'dtmf_mode = loud',
        '[bad_cert](switchboard-endpoint)',
        'dtls_cert_file = /nonexistent/cert.pem',
        '[bad_key](switchboard-endpoint)',
        'dtls_private_key = /nonexistent/key.pem',
        '[no_type]',
        'context = x',
        '',
      ].join('\n'),
    );
    const loaded = await reloadAndCompare('bad values', [
      'bad_option',
      'bad_max',
      'perhaps',
      'bad_dtmf',
      'bad_cert',
      'bad_key',
      'no_type',
    ]);
    assert.deepEqual(loaded, [...agentIds(AGENTS), 'bad_max', 'perhaps']);
  });

  it('drop an object whose section lost its type=, and agents no longer rendered', async () => {
    project(AGENTS, '[perhaps]\ncontext = x\n');
    assert.deepEqual(await reloadAndCompare('lost type=', ['perhaps']), agentIds(AGENTS));
    project(AGENTS.slice(0, 1));
    const left = await reloadAndCompare('agents removed', [AGENTS[1]?.sipUsername ?? '']);
    assert.deepEqual(left, agentIds(AGENTS.slice(0, 1)));
  });

  it('keep every object when pjsip.conf is invalid or missing, yet say Success', async () => {
    // A missing #include in an included file ends that file; pjsip.conf goes on.
    project(AGENTS, '[new_one](switchboard-endpoint)\n#include switchboard/no_such_file.conf\n');
    const t = await session(asterisk.ami, { Events: 'off' });
    await agree(t, { Action: 'GetConfig', ActionID: 'g', Filename: 'pjsip.conf' }, 'GetConfig');
    const loaded = await reloadAndCompare('a missing #include in an included file', ['new_one']);
    assert.deepEqual(loaded, [...agentIds(AGENTS), 'new_one']);
    // In pjsip.conf itself it makes the whole file invalid: nothing changes.
    project(AGENTS.slice(1));
    const base = readFileSync(join(etc, 'pjsip.conf'), 'utf8');
    try {
      writeFileSync(join(etc, 'pjsip.conf'), `${base}\n#include no_such_file.conf\n`);
      await agree(t, { Action: 'GetConfig', ActionID: 'g', Filename: 'pjsip.conf' }, 'invalid');
      assert.deepEqual(await reloadAndCompare('a missing #include in pjsip.conf', []), loaded);
      rmSync(join(etc, 'pjsip.conf'));
      assert.deepEqual(await reloadAndCompare('no pjsip.conf', ['new_one']), loaded);
    } finally {
      writeFileSync(join(etc, 'pjsip.conf'), base);
    }
  });

  it('answer "No endpoints found" when no endpoint is left', async () => {
    project([]);
    assert.deepEqual(await reloadAndCompare('no agents', []), []);
  });
});
