// Loading PJSIP objects as res_pjsip does, case by case (the recorded cases
// themselves run end to end in config-behaviour.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ConfigCategory, readConfig } from './config-reader.ts';
import { loadPjsip, objectKey, type PjsipObjects } from './pjsip-loader.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ami-loader-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Categories as the config reader gives them for `text` in /etc/asterisk/test.conf. */
function cats(text: string): readonly ConfigCategory[] {
  writeFileSync(join(dir, 'test.conf'), text);
  const r = readConfig({ dir, etcDir: '/etc/asterisk' }, 'test.conf');
  assert.ok(r.ok, r.log.join('; '));
  return r.categories;
}

const readable = new Set(['/etc/asterisk/keys/tls.crt', '/etc/asterisk/keys/tls.key']);
const ctx = { readable: (p: string) => readable.has(p) };
const load = (text: string, previous: PjsipObjects = new Map()) =>
  loadPjsip(cats(text), previous, ctx);
const ids = (o: PjsipObjects) => [...o.keys()];

const WT =
  '[wt]\ntype=endpoint\ncontext=internal\nwebrtc=yes\naors=wt\n[wt]\ntype=aor\nmax_contacts=1\n';

describe('loading PJSIP objects', () => {
  it('loads typed sections, ignores untyped ones, templates and unknown types', () => {
    const { objects, log } = load(
      `${WT}[notype]\ncontext=x\n[tpl](!)\ntype=endpoint\n[other]\ntype=nonsense\n[g]\ntype=global\nuser_agent=X\n`,
    );
    assert.deepEqual(ids(objects), ['endpoint/wt', 'aor/wt', 'global/g']);
    assert.deepEqual(log, []);
  });

  it('fails an object with an unknown option or an unsigned-integer error, keeping the old one', () => {
    const first = load(WT).objects;
    const bad = load(
      WT.replace('aors=wt', 'aors=wt\nfoo_unknown=bar').replace(
        'max_contacts=1',
        'max_contacts=abc',
      ),
      first,
    );
    assert.equal(
      bad.objects.get(objectKey('endpoint', 'wt')),
      first.get(objectKey('endpoint', 'wt')),
    );
    assert.equal(bad.objects.get(objectKey('aor', 'wt')), first.get(objectKey('aor', 'wt')));
    assert.deepEqual(bad.log, [
      "ERROR config_options.c: Could not find option suitable for category 'wt' named 'foo_unknown' at line 6 of /etc/asterisk/test.conf",
      "ERROR res_sorcery_config.c: Could not create an object of type 'endpoint' with id 'wt' from configuration file 'pjsip.conf'",
      "NOTICE res_sorcery_config.c: Retaining existing configuration for object of type 'endpoint' with id 'wt'",
      'ERROR config_options.c: Error parsing max_contacts=abc at line 9 of /etc/asterisk/test.conf',
      "ERROR res_sorcery_config.c: Could not create an object of type 'aor' with id 'wt' from configuration file 'pjsip.conf'",
      "NOTICE res_sorcery_config.c: Retaining existing configuration for object of type 'aor' with id 'wt'",
    ]);
    assert.deepEqual(ids(load(WT.replace('max_contacts=1', 'max_contacts=-1')).objects), [
      'endpoint/wt',
    ]);
  });

  it('reads booleans as Asterisk does: anything not true is false, never an error (J)', () => {
    const { objects } = load(
      WT.replace('aors=wt', 'aors=wt\ndirect_media=perhaps\nrtp_symmetric=yes'),
    );
    const ep = objects.get(objectKey('endpoint', 'wt'));
    assert.equal(ep?.fields.get('DirectMedia'), 'false');
    assert.equal(ep?.fields.get('RtpSymmetric'), 'true');
  });

  it('checks enumerations and codec names', () => {
    assert.deepEqual(ids(load(WT.replace('aors=wt', 'aors=wt\ndtmf_mode=loud')).objects), [
      'aor/wt',
    ]);
    assert.deepEqual(ids(load(WT.replace('aors=wt', 'aors=wt\nallow=opus,nosuchcodec')).objects), [
      'aor/wt',
    ]);
    const ep = load(
      WT.replace('aors=wt', 'aors=wt\ndisallow=all\nallow=ulaw,opus\nallow=alaw\ndisallow=ulaw'),
    ).objects.get(objectKey('endpoint', 'wt'));
    assert.equal(ep?.fields.get('Allow'), '(opus|alaw)');
  });

  it('drops an object that is gone from the files, or that lost its type (H)', () => {
    const first = load(WT).objects;
    assert.deepEqual(ids(load('[wt]\ncontext=internal\nwebrtc=yes\n', first).objects), []);
  });

  it('turns on DTLS, ICE, AVPF, rtcp-mux and bundle for webrtc=yes (main_15)', () => {
    const ep = load(WT).objects.get(objectKey('endpoint', 'wt'));
    for (const [k, v] of [
      ['Webrtc', 'yes'],
      ['MediaEncryption', 'dtls'],
      ['DtlsAutoGenerateCert', 'Yes'],
      ['DtlsVerify', 'Fingerprint'],
      ['DtlsSetup', 'actpass'],
      ['IceSupport', 'true'],
      ['UseAvpf', 'true'],
      ['RtcpMux', 'true'],
      ['Bundle', 'true'],
      ['MediaUseReceivedTransport', 'true'],
    ])
      assert.equal(ep?.fields.get(k as string), v, k);
  });

  it('checks DTLS certificate files (D, D2, E, E2)', () => {
    const withCert = (lines: string) => WT.replace('aors=wt', `aors=wt\n${lines}`);
    const good = load(
      withCert(
        'dtls_cert_file=/etc/asterisk/keys/tls.crt\ndtls_private_key=/etc/asterisk/keys/tls.key',
      ),
    );
    const ep = good.objects.get(objectKey('endpoint', 'wt'));
    assert.equal(ep?.fields.get('DtlsAutoGenerateCert'), 'No');
    assert.equal(ep?.fields.get('DtlsCertFile'), '/etc/asterisk/keys/tls.crt');
    // Switchboard's rendering: an explicit "no" next to a certificate file is fine.
    assert.ok(
      load(
        withCert('dtls_auto_generate_cert=no\ndtls_cert_file=/etc/asterisk/keys/tls.crt'),
      ).objects.has('endpoint/wt'),
    );
    const conflict = load(
      withCert('dtls_auto_generate_cert=yes\ndtls_cert_file=/etc/asterisk/keys/tls.crt'),
    );
    assert.equal(conflict.objects.has('endpoint/wt'), false);
    const missing = load(withCert('dtls_cert_file=/etc/asterisk/keys/missing.pem'));
    assert.equal(missing.objects.has('endpoint/wt'), false);
    assert.equal(
      missing.log[0],
      'ERROR rtp_engine.c: dtlscertfile file /etc/asterisk/keys/missing.pem does not exist or is not readable',
    );
  });

  it('accepts an endpoint naming a transport that does not exist (G)', () => {
    assert.ok(
      load(WT.replace('aors=wt', 'aors=wt\ntransport=no-such-transport')).objects.has(
        'endpoint/wt',
      ),
    );
  });

  it('shows a transport bind with its default port and keeps non-reloadable options on reload', () => {
    const first = load(
      '[t]\ntype=transport\nprotocol=ws\nbind=127.0.0.1\nlocal_net=10.0.0.0/8\n',
    ).objects;
    const t = first.get('transport/t');
    assert.equal(t?.fields.get('Bind'), '127.0.0.1:5060');
    assert.equal(t?.fields.get('LocalNet'), '10.0.0.0/255.0.0.0');
    const again = load(
      '[t]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5070\nexternal_media_address=192.0.2.1\n',
      first,
    );
    const t2 = again.objects.get('transport/t');
    assert.equal(t2?.fields.get('Protocol'), 'ws');
    assert.equal(t2?.fields.get('Bind'), '127.0.0.1:5060');
    assert.equal(t2?.fields.get('ExternalMediaAddress'), '192.0.2.1');
    assert.match(again.log[0] ?? '', /Transport 't' is not fully reloadable/);
    assert.equal(load('[t]\ntype=transport\nbind=not-an-address\n').objects.size, 0);
  });

  it("loads Switchboard's templated sections (type inherited from the template)", () => {
    const { objects } = load(
      '[tpl](!)\ntype=endpoint\nwebrtc=yes\nrtp_timeout=30\ndirect_media=no\n[aortpl](!)\ntype=aor\nqualify_frequency=30\n[agent](tpl)\nauth=agent\naors=agent\ncallerid="Agent Smith" <1000>\n[agent](aortpl)\nmax_contacts=2\n',
    );
    const ep = objects.get('endpoint/agent');
    assert.equal(ep?.fields.get('RtpTimeout'), '30');
    assert.equal(ep?.fields.get('Callerid'), '"Agent Smith" <1000>');
    assert.equal(objects.get('aor/agent')?.fields.get('QualifyFrequency'), '30');
  });
});
