// The AMI test server answers the recorded requests with the recorded bytes:
// each .req of ../shared/asterisk/transcripts is sent as it was, and the
// answer compared with the .resp, normalising only values that vary by time.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../cluster/tools.ts';
import { login, RawAmi } from './client-for-tests.ts';
import { type AmiServer, BANNER, startAmiServer } from './server.ts';

const shared = join(repoRoot, '..', 'shared', 'asterisk');
const transcripts = join(shared, 'transcripts');

/** Recorded exchanges whose outcome does not depend on earlier state in the session. */
const LOGGED_IN = [
  'main_03_Ping',
  'main_07_GetConfig_pjsip',
  'main_08_GetConfig_pjsip_category',
  'main_10_GetConfig_unknown_file',
  'main_11_GetConfig_outside_etc',
  'main_12_GetConfig_unknown_category',
  'main_14_PJSIPShowEndpoints',
  'main_16_PJSIPShowEndpoint_unknown',
  'main_17_PJSIPShowContacts_before_register',
  'main_33_Reload_res_pjsip',
  'main_34_Reload_app_queue',
  'main_35_Reload_pbx_config',
  'main_36_Reload_unknown_module',
  'main_37_Command_pjsip_reload',
  'main_38_Command_module_reload_res_pjsip',
  'main_39_Command_dialplan_reload',
  'main_53_BAD_GetConfig_no_filename',
  'main_54_BAD_unknown_action',
  'main_57_BAD_Command_missing_command',
  'main_58_BAD_PJSIPShowEndpoint_missing_endpoint',
  'main_59_BAD_no_action_header',
  'main_61_Logoff',
];
const NOT_LOGGED_IN = [
  'badlogin_02_Ping_before_login',
  'badlogin_03_CoreStatus_before_login',
  'badlogin_04_Login_wrong_secret',
  'unknownuser_02_Login_unknown_user',
  'main_02_Login',
  'eventsoff_02_Login_events_off',
];

/** Values that differ from run to run. */
const normalise = (text: string) =>
  text
    .replace(/^(Timestamp|Uptime|LastReload): .*$/gm, '$1: <varies>')
    .replace(/\/etc\/passwd/g, '<outside>');

let server: AmiServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ami-config-'));
  cpSync(join(shared, 'minimal-config'), dir, { recursive: true });
  server = await startAmiServer({ username: 'admin', secret: 'verifysecret123', configDir: dir });
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function replay(name: string, loggedIn: boolean): Promise<void> {
  const req = readFileSync(join(transcripts, `${name}.req`), 'utf8');
  const expected = readFileSync(join(transcripts, `${name}.resp`), 'utf8');
  const ami = await RawAmi.open(server.port);
  try {
    ami.take(); // the banner
    if (loggedIn) await ami.exchange(login(), 2); // response + FullyBooted
    const got = await ami.exchange(req, (expected.match(/\r\n\r\n/g) ?? []).length);
    assert.equal(normalise(got), normalise(expected));
  } finally {
    ami.close();
  }
}

describe('AMI test server replays the Asterisk 22 transcripts', () => {
  it('greets with the recorded banner', async () => {
    const ami = await RawAmi.open(server.port);
    assert.equal(ami.take(), readFileSync(join(transcripts, 'main_01_banner.resp'), 'utf8'));
    assert.equal(BANNER, 'Asterisk Call Manager/11.0.0\r\n');
    ami.close();
  });

  for (const name of LOGGED_IN) it(name, () => replay(name, true));
  for (const name of NOT_LOGGED_IN) {
    if (!existsSync(join(transcripts, `${name}.req`))) continue;
    it(name, () => replay(name, false));
  }

  it('closes the connection after a failed login, as Asterisk does', async () => {
    const ami = await RawAmi.open(server.port);
    await ami.exchange(login('admin', 'wrong'), 1);
    const { waitUntil } = await import('../support/wait.ts');
    await waitUntil('connection closed', () => ami.closed);
  });
});
