// The AMI test server answers every recorded request with the recorded
// bytes. Data-driven over test/ami-server/recorded/transcripts: each session_*.log
// is replayed in order on one connection (each .req sent as recorded, the
// answer compared with the .resp, "SOCKET CLOSED BY SERVER" checked), and
// each standalone *.txt recording likewise. Only clock readings are
// normalised. What happened outside AMI between two exchanges (a browser
// registering, a file written) is re-enacted by the hooks below.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '../support/wait.ts';
import { RawAmi } from './raw-client.ts';
import { websocketContactUri } from './registrations.ts';
import { type AmiServer, startAmiServer } from './server.ts';
import {
  configDir,
  normalise,
  RECORDED_USER,
  type Step,
  sessions,
  standalonePairs,
  TRANSCRIPTS,
} from './transcripts.ts';

const messagesIn = (text: string) => text.split('\r\n\r\n').length - 1;

/** The browser's REGISTER in ws_sip_webrtc1.log: what Asterisk stored of it. */
function recordedRegistration() {
  const log = readFileSync(join(TRANSCRIPTS, 'ws_sip_webrtc1.log'), 'utf8').replace(/\r\n/g, '\n');
  const register = /^REGISTER [\s\S]*?\n\n/m.exec(log)?.[0] ?? '';
  const ok = /^SIP\/2\.0 200 OK\n[\s\S]*?\n\n/m.exec(log)?.[0] ?? '';
  const h = (text: string, name: string) =>
    new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1] ?? assert.fail(`no ${name} header`);
  const via = h(ok, 'Via');
  return {
    contactUri: websocketContactUri(h(register, 'Contact').replace(/;expires=\d+$/, ''), {
      host: /;received=([^;]+)/.exec(via)?.[1] ?? '',
      port: Number(/;rport=(\d+)/.exec(via)?.[1]),
    }),
    userAgent: h(register, 'User-Agent'),
    callId: h(register, 'Call-ID'),
    expires: Number(h(register, 'Expires')),
  };
}

/** The file written before main_40 and removed before main_44, as main_40/main_43 show it. */
const WEBRTC2 = `[webrtc2]
type = endpoint
transport = transport-ws
context = internal
disallow = all
allow = opus,ulaw
webrtc = yes
auth = webrtc2-auth
aors = webrtc2

[webrtc2-auth]
type = auth
auth_type = userpass
username = webrtc2
password = webrtc2pass

[webrtc2]
type = aor
max_contacts = 1
`;

interface Ctx {
  readonly server: AmiServer;
  readonly dir: string;
}

/** What happened outside AMI right before a recorded step. */
const OUTSIDE_AMI: Record<string, (ctx: Ctx) => void> = {
  main_20_EVENTS_during_ws_register: ({ server }) => {
    const r = recordedRegistration();
    server.register('webrtc1', r.contactUri, r);
  },
  main_40_GetConfig_pjsip_after_disk_write_no_reload: ({ dir }) =>
    writeFileSync(join(dir, 'pjsip_extra.conf'), WEBRTC2),
  main_44_GetConfig_pjsip_after_remove_extra_no_reload: ({ dir }) =>
    rmSync(join(dir, 'pjsip_extra.conf')),
  main_60_EVENTS_during_ws_close: ({ server }) => server.unregister('webrtc1'),
};

/** Recorded steps the server does not reproduce, and why. */
const NOT_SIMULATED: Record<string, string> = {
  main_50_Originate_local_echo: 'calls are not simulated (GAPS.md)',
  main_51_Originate_pjsip_webrtc1_busy: 'calls are not simulated (GAPS.md)',
  main_52_Originate_queue_700: 'calls are not simulated (GAPS.md)',
};

/** Files a session needs that the recording machine had (main_47 updates an existing file). */
const SESSION_FILES: Record<string, Record<string, string>> = {
  main: { 'scratch_update.conf': '' },
};

async function play(step: Step, ami: RawAmi, ctx: Ctx): Promise<void> {
  if (step.id.endsWith('_01_banner')) {
    assert.equal(ami.banner, step.response);
    return;
  }
  const hook = OUTSIDE_AMI[step.id];
  if (step.request === undefined && !hook) assert.fail(`${step.id}: no request and no hook`);
  hook?.(ctx);
  // A connection the server closed takes no more requests (badlogin_05).
  if (step.request !== undefined && !ami.closed) ami.send(step.request);
  const expected = messagesIn(step.response);
  if (expected === 0) {
    await ami.closedByServer();
    assert.equal(ami.received, '');
    return;
  }
  assert.equal(normalise(await ami.read(expected)), normalise(step.response));
  if (step.closedByServer) {
    await ami.closedByServer();
    assert.equal(ami.received, '', 'nothing after the last answer');
  }
}

for (const [session, steps] of sessions()) {
  describe(`replays session_${session}.log`, () => {
    let ctx: Ctx;
    let ami: RawAmi;
    before(async () => {
      const dir = configDir(SESSION_FILES[session]);
      ctx = { dir, server: await startAmiServer({ ...RECORDED_USER, configDir: dir }) };
      ami = await RawAmi.open(ctx.server.port);
    });
    after(async () => {
      ami?.close();
      await ctx?.server.close();
      if (ctx) rmSync(ctx.dir, { recursive: true, force: true });
    });
    for (const step of steps) {
      const skip = NOT_SIMULATED[step.id];
      it(step.id, { skip }, () => play(step, ami, ctx));
    }
  });
}

/** 1,000 generated endpoints, as scale-results.txt's N=1000 run (288 bytes each there). */
function generatedEndpoints(n: number): string {
  return Array.from({ length: n }, (_, i) => {
    const id = `gen${String(i).padStart(5, '0')}`;
    return `[${id}]\ntype=endpoint\ntransport=transport-ws\ncontext=internal\ndisallow=all\nallow=opus,ulaw\nwebrtc=yes\nauth=${id}\naors=${id}\n[${id}]\ntype=auth\nauth_type=userpass\nusername=${id}\npassword=${id}pw\n[${id}]\ntype=aor\nmax_contacts=1\n`;
  }).join('\n');
}

/** Set-up and checks around the standalone recordings (none needed by default). */
const STANDALONE: Record<
  string,
  { before(ctx: Ctx): Promise<void>; after?(ctx: Ctx): void } | undefined
> = {
  'ami_reload_N1000.txt': {
    async before({ dir }) {
      writeFileSync(join(dir, 'pjsip_generated.conf'), generatedEndpoints(1000));
    },
    after({ server }) {
      assert.equal(server.endpointIds().length, 1001, 'scale-results: endpoints now: 1001');
    },
  },
  'ami_reload_concurrent_N10000.txt': {
    // A slow reload (10,000 endpoints take seconds) runs on another connection.
    async before({ server }) {
      server.setReloadDuration(2000);
      const other = await RawAmi.login(server.port, 'off');
      other.send('Action: Reload\r\nModule: res_pjsip.so\r\n\r\n');
      await waitUntil('the other reload to start', () => server.reloading(), 5000, 2);
    },
  },
};

describe('replays the standalone recordings', () => {
  for (const p of standalonePairs()) {
    it(p.name, async () => {
      const dir = configDir();
      const server = await startAmiServer({ ...RECORDED_USER, configDir: dir });
      try {
        const setup = STANDALONE[p.name];
        await setup?.before({ server, dir });
        // The recordings show the answer alone: a session without events.
        const ami = await RawAmi.login(server.port, 'off');
        assert.equal(await ami.exchange(p.request, messagesIn(p.response)), p.response);
        setup?.after?.({ server, dir });
        ami.close();
      } finally {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('the recordings', () => {
  it('are all replayed (or listed as not simulated)', () => {
    const used = new Set<string>(['ws_sip_webrtc1.log']);
    for (const [session, steps] of sessions()) {
      used.add(`session_${session}.log`);
      for (const s of steps) {
        used.add(`${s.id}.resp`);
        if (s.request !== undefined) used.add(`${s.id}.req`);
      }
    }
    for (const p of standalonePairs()) used.add(p.name);
    assert.deepEqual(
      readdirSync(TRANSCRIPTS).filter((f) => !used.has(f)),
      [],
    );
  });
});
