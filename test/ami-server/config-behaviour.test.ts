// The AMI test server loads bad PJSIP files as Asterisk 22 did. Data-driven
// over test/ami-server/recorded/config-behaviour: the cases ran one after the other
// on one Asterisk (a case sees what the earlier ones left), so they run here
// in recorded order on one server. Each writes its pjsip_extra.conf, reloads,
// and must give the recorded Reload and GetConfig answers, the recorded
// ERROR/WARNING log lines, and the recorded endpoint afterwards.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { field, parseMessages } from './framing.ts';
import { RawAmi } from './raw-client.ts';
import { type AmiServer, startAmiServer } from './server.ts';
import { type BehaviourCase, behaviourCases, configDir, RECORDED_USER } from './transcripts.ts';

/**
 * What each case changed besides pjsip_extra.conf, as its log shows: K and L
 * name pjsip_missing_file.conf from pjsip.conf, M restores pjsip.conf.
 */
const BASE_PJSIP_SUFFIX: Record<string, string> = {
  K_include_missing_file: '#include pjsip_missing_file.conf\n',
  L_tryinclude_missing_file: '#tryinclude pjsip_missing_file.conf\n',
};

/** Certificate files the recording machine had (E's and E2's logs report none missing). */
const KEY_FILES = ['keys/dtls.pem', 'keys/dtls.crt', 'keys/dtls.key'];

/** Log lines a case is checked against: the loader's errors, warnings and retentions. */
const checked = (line: string) =>
  /^(ERROR|WARNING) /.test(line) || line.startsWith('NOTICE res_sorcery_config.c:');

describe('config-behaviour cases, in recorded order', () => {
  let server: AmiServer;
  let dir: string;
  let basePjsip: string;
  let ami: RawAmi;

  before(async () => {
    dir = configDir();
    basePjsip = readFileSync(join(dir, 'pjsip.conf'), 'utf8');
    mkdirSync(join(dir, 'keys'));
    for (const f of KEY_FILES) writeFileSync(join(dir, f), 'not a real key\n');
    server = await startAmiServer({ ...RECORDED_USER, configDir: dir });
    // The recordings show answers alone: a session without events.
    ami = await RawAmi.login(server.port, 'off');
  });
  after(async () => {
    ami?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(c: BehaviourCase): Promise<void> {
    writeFileSync(join(dir, 'pjsip_extra.conf'), c.extraFile);
    writeFileSync(join(dir, 'pjsip.conf'), basePjsip + (BASE_PJSIP_SUFFIX[c.name] ?? ''));
    const logFrom = server.log.length;
    const reload = c.reload ?? assert.fail(`${c.name} has no reload recording`);
    assert.equal(await ami.exchange(reload.request, 1), reload.response, 'Reload answer');
    if (c.getConfig) {
      assert.equal(await ami.exchange(c.getConfig.request, 1), c.getConfig.response, 'GetConfig');
    }

    const got = new Set(server.log.slice(logFrom).filter(checked));
    const want = new Set(c.log.filter(checked));
    assert.deepEqual(got, want, 'log lines');

    const endpoints = await ami.list({ Action: 'PJSIPShowEndpoints' });
    const count = endpoints.filter((m) => field(m, 'Event') === 'EndpointList').length;
    if (c.endpointCount !== undefined) assert.equal(count, c.endpointCount, 'endpoint count');
    if (c.endpoint === undefined) return;
    const detail = await ami.list({ Action: 'PJSIPShowEndpoint', Endpoint: c.endpoint.name });
    assert.equal(
      field(detail[0] ?? { lines: [] }, 'Response'),
      c.endpoint.exists ? 'Success' : 'Error',
    );
    if (!c.endpoint.exists) return;
    const of = (event: string, name: string) =>
      field(detail.find((m) => field(m, 'Event') === event) ?? { lines: [] }, name);
    if (c.allow !== undefined) assert.equal(of('EndpointDetail', 'Allow'), c.allow, 'allow');
    // The recordings show the AOR through the CLI; over AMI a missing transport
    // stops PJSIPShowEndpoint before the AorDetail (G; agreement.test.ts).
    const transportMissing = detail.some((m) =>
      field(m, 'Message')?.startsWith('Unable to retrieve transport'),
    );
    if (c.maxContacts !== undefined && !transportMissing)
      assert.equal(of('AorDetail', 'MaxContacts'), c.maxContacts, 'AOR max contacts');
  }

  const cases = behaviourCases();
  it('has the recorded cases', () => {
    assert.ok(cases.length >= 13, `${cases.length} cases`);
  });
  for (const c of cases) it(c.name, () => run(c));
});

describe('parsing the recordings', () => {
  it('reads a case', () => {
    const f = behaviourCases().find((c) => c.name === 'F_unknown_option');
    assert.ok(f);
    assert.match(f.extraFile, /^\[wt\]\ntype=endpoint\n[\s\S]*foo_unknown=bar\n/);
    assert.deepEqual(f.endpoint, { name: 'wt', exists: true });
    assert.equal(f.allow, '(opus|ulaw)');
    assert.equal(f.maxContacts, '1');
    assert.equal(f.endpointCount, 2);
    assert.ok(
      f.log.includes(
        "NOTICE res_sorcery_config.c: Retaining existing configuration for object of type 'endpoint' with id 'wt'",
      ),
    );
    assert.equal(parseMessages(f.reload?.response ?? '').messages.length, 1);
  });
});
