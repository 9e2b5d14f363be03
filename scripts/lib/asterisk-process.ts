// A real Asterisk 22 (built by tools/asterisk/build.sh) for `make run` and the
// tests, run from a folder of its own: the image's base configuration
// (asterisk/etc) with the few settings a local run must change (loopback
// ports, paths under the folder, ws only), AMI with a generated secret, and the
// generated files projected into <etc>/switchboard by the projector, as the
// kubelet would. When started as root it runs as "nobody" and reads the
// projected files through their group, like a Pod's fsGroup.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../test/cluster/ports.ts';
import { type ManagedProcess, ProcessGroup } from '../../test/cluster/processes.ts';
import { repoRoot } from '../../test/cluster/tools.ts';

const run = promisify(execFile);

let prefixCache: Promise<string> | undefined;

/** The cached Asterisk build's install prefix (building it the first time). */
export function asteriskPrefix(): Promise<string> {
  prefixCache ??= (async () => {
    const fromEnv = process.env.SWITCHBOARD_ASTERISK;
    if (fromEnv) return fromEnv;
    const { stdout } = await run(join(repoRoot, 'tools', 'asterisk', 'build.sh'), {
      maxBuffer: 16 << 20,
    });
    const prefix = stdout.trim().split('\n').at(-1);
    if (!prefix) throw new Error('tools/asterisk/build.sh printed no prefix');
    return prefix;
  })();
  return prefixCache;
}

/** The unprivileged user Asterisk runs as when we are root (uid, gid of nobody/nogroup). */
const NOBODY = { uid: 65534, gid: 65534 } as const;

export interface AsteriskProcessOptions {
  /** Folder for configuration, state and logs (created). */
  readonly dir: string;
  /** The AMI user (default "switchboard"); its secret is generated. */
  readonly amiUsername?: string;
  /** Process group to run in (default: a new one in `dir`, with its reaper). */
  readonly group?: ProcessGroup;
  /** Added to Asterisk's environment, as a Pod's `env` (e.g. PGPASSWORD from a Secret). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * wss on a port of its own with the certificate in <etc>/dtls (tls.crt,
   * tls.key), where the chart mounts the DTLS Secret; the caller puts the files
   * there before start (an AtomicWriter, as the kubelet would).
   */
  readonly tls?: boolean;
}

export interface AsteriskProcess {
  readonly prefix: string;
  /** Stands for /etc/asterisk; the projector writes into <etcDir>/switchboard. */
  readonly etcDir: string;
  readonly logDir: string;
  /** Asterisk's monitor directory (<spool>/monitor): where MixMonitor writes recordings. */
  readonly recordingsDir: string;
  readonly amiPort: number;
  readonly httpPort: number;
  /** With `tls`: the https/wss port, and the folder standing for /etc/asterisk/dtls. */
  readonly httpsPort: number | undefined;
  readonly dtlsDir: string | undefined;
  readonly ami: { readonly username: string; readonly secret: string };
  /** ws://127.0.0.1:<httpPort>/ws */
  readonly wsUrl: string;
  /** With `tls`: wss://127.0.0.1:<httpsPort>/ws */
  readonly wssUrl: string | undefined;
  /** uid/gid Asterisk runs as (files it must read are made readable to this group). */
  readonly runAs: { uid: number; gid: number } | undefined;
  /** Starts Asterisk (again) and resolves once it is fully booted. */
  start(): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** A CLI command through the control socket (asterisk -rx). */
  cli(command: string): Promise<string>;
  /** messages.log so far. */
  log(): string;
  readonly running: boolean;
}

/** The base configuration with the changes a loopback run needs. Pure. */
export function localConfig(
  base: Readonly<Record<string, string>>,
  o: { prefix: string; dir: string; amiPort: number; httpPort: number; httpsPort?: number },
): Record<string, string> {
  const files = { ...base };
  const d = (name: string) => join(o.dir, name);
  // The image's asterisk.conf names the image's paths. Here every path is the
  // build's or this folder's.
  files['asterisk.conf'] = `; generated for a local run (scripts/lib/asterisk-process.ts)
[directories]
astetcdir => ${d('etc')}
astmoddir => ${join(o.prefix, 'lib', 'asterisk', 'modules')}
astvarlibdir => ${join(o.prefix, 'var', 'lib', 'asterisk')}
astdbdir => ${d('db')}
astkeydir => ${d('keys')}
astdatadir => ${join(o.prefix, 'var', 'lib', 'asterisk')}
astagidir => ${d('agi-bin')}
astspooldir => ${d('spool')}
astrundir => ${d('run')}
astlogdir => ${d('log')}
astsbindir => ${join(o.prefix, 'sbin')}

${(base['asterisk.conf'] ?? '').slice((base['asterisk.conf'] ?? '').indexOf('[options]'))}`;
  files['http.conf'] = replaceSettings(
    base['http.conf'] ?? '',
    o.httpsPort === undefined
      ? {
          bindaddr: '127.0.0.1',
          bindport: String(o.httpPort),
          // No certificate in a local run: browsers use ws:// on loopback.
          tlsenable: 'no',
        }
      : {
          bindaddr: '127.0.0.1',
          bindport: String(o.httpPort),
          tlsbindaddr: `127.0.0.1:${o.httpsPort}`,
          tlscertfile: join(d('etc'), 'dtls', 'tls.crt'),
          tlsprivatekey: join(d('etc'), 'dtls', 'tls.key'),
        },
  );
  files['manager.conf'] = replaceSettings(base['manager.conf'] ?? '', {
    bindaddr: '127.0.0.1',
    port: String(o.amiPort),
  });
  return files;
}

/** Replaces `key = value` lines (first occurrence of each key). */
function replaceSettings(text: string, values: Record<string, string>): string {
  let out = text;
  for (const [key, value] of Object.entries(values)) {
    const re = new RegExp(`^${key}\\s*=.*$`, 'm');
    if (!re.test(out)) throw new Error(`base configuration has no "${key} =" line to replace`);
    out = out.replace(re, `${key} = ${value}`);
  }
  return out;
}

/** The AMI user file the chart's Secret holds (key manager_user.conf). */
export function managerUserConf(ami: { username: string; secret: string }): string {
  return `[${ami.username}]\nsecret = ${ami.secret}\nread = system,agent,user,call\nwrite = system,agent,user\n`;
}

export async function createAsterisk(options: AsteriskProcessOptions): Promise<AsteriskProcess> {
  const { dir } = options;
  const etcDir = join(dir, 'etc');
  const logDir = join(dir, 'log');
  const [amiPort, httpPort, httpsPort] = await Promise.all([
    freePort(),
    freePort(),
    options.tls ? freePort() : undefined,
  ]);
  const asRoot = process.getuid?.() === 0;
  const runAs = asRoot ? NOBODY : undefined;
  mkdirSync(dir, { recursive: true });
  let prefix = await asteriskPrefix();
  if (runAs) {
    // The cache usually sits under /root (mode 0700), where "nobody" cannot
    // read modules or sounds: hard links into this folder cost no copy.
    const local = join(dir, 'install');
    await run('cp', ['-al', prefix, local]).catch(() => run('cp', ['-a', prefix, local]));
    prefix = local;
  }

  const baseDir = join(repoRoot, 'asterisk', 'etc');
  const base: Record<string, string> = {};
  for (const f of readdirSync(baseDir)) base[f] = readFileSync(join(baseDir, f), 'utf8');
  const files = localConfig(base, {
    prefix,
    dir,
    amiPort,
    httpPort,
    ...(httpsPort === undefined ? {} : { httpsPort }),
  });
  for (const sub of [
    'etc',
    'etc/ami',
    'etc/switchboard',
    'db',
    'keys',
    'spool',
    'spool/monitor',
    'run',
    'log',
  ])
    mkdirSync(join(dir, sub), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(etcDir, name), text);
  const ami = {
    username: options.amiUsername ?? 'switchboard',
    secret: randomBytes(16).toString('hex'),
  };
  // The AMI Secret's file, as the chart mounts it (read = system,agent,user,call, write = system,agent,user).
  const userFile = join(etcDir, 'ami', 'manager_user.conf');
  writeFileSync(userFile, managerUserConf(ami), { mode: 0o440 });
  if (runAs) {
    chownSync(userFile, 0, runAs.gid);
    // The folder itself and what Asterisk writes: its own.
    chownSync(dir, runAs.uid, runAs.gid);
    for (const sub of ['db', 'keys', 'spool', 'spool/monitor', 'run', 'log'])
      chownSync(join(dir, sub), runAs.uid, runAs.gid);
  }

  const group = options.group ?? new ProcessGroup(dir);
  const binary = join(prefix, 'sbin', 'asterisk');
  const conf = join(etcDir, 'asterisk.conf');
  let proc: ManagedProcess | undefined;

  const cli = async (command: string): Promise<string> => {
    const { stdout } = await run(binary, ['-C', conf, '-rx', command], { timeout: 30_000 });
    return stdout;
  };

  const self: AsteriskProcess = {
    prefix,
    etcDir,
    logDir,
    recordingsDir: join(dir, 'spool', 'monitor'),
    amiPort,
    httpPort,
    httpsPort,
    dtlsDir: options.tls ? join(etcDir, 'dtls') : undefined,
    ami,
    wsUrl: `ws://127.0.0.1:${httpPort}/ws`,
    wssUrl: httpsPort === undefined ? undefined : `wss://127.0.0.1:${httpsPort}/ws`,
    runAs,
    get running() {
      return proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null;
    },
    async start() {
      if (self.running) return;
      // -f foreground, -n no colours, -C this folder's asterisk.conf
      const args = ['-f', '-n', '-C', conf];
      if (runAs) args.push('-U', 'nobody', '-G', 'nogroup');
      proc = group.start(
        'asterisk',
        binary,
        args,
        options.env ? { ...process.env, ...options.env } : undefined,
      );
      const exited = proc.exited.then((code) => {
        throw new Error(
          `Asterisk exited (${code}) while starting; see ${proc?.logPath}:\n${tail(proc?.logPath)}`,
        );
      });
      // Handled here: a later exit (kill, stop) must not surface as an unhandled rejection.
      exited.catch(() => {});
      // Returns once every module has loaded; fails while the socket is not up yet.
      const booted = (async () => {
        const deadline = Date.now() + 60_000;
        for (;;) {
          try {
            await cli('core waitfullybooted');
            return;
          } catch (err) {
            if (Date.now() > deadline) throw err;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      })();
      await Promise.race([booted, exited]);
    },
    async kill() {
      if (!proc) return;
      try {
        process.kill(-(proc.child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      await proc.exited;
      proc = undefined;
    },
    async stop() {
      if (!proc) return;
      await group.stop(proc, 10_000);
      proc = undefined;
    },
    cli,
    log() {
      const path = join(logDir, 'messages.log');
      return existsSync(path) ? readFileSync(path, 'utf8') : '';
    },
  };
  return self;
}

function tail(path: string | undefined): string {
  if (!path || !existsSync(path)) return '';
  return readFileSync(path, 'utf8').split('\n').slice(-30).join('\n');
}
