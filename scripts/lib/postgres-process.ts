// A real PostgreSQL (Debian's `postgresql` package) for `make run` and the
// tests, run from a folder of its own: `initdb` into <dir>/data on the first
// start, the server on a free loopback port with its unix socket in
// <dir>/socket, password (SCRAM) authentication everywhere, a generated
// superuser password, and databases with owners of their own made on demand.
// PostgreSQL refuses to run as root: when we are root, it runs as the
// package's `postgres` user (or `nobody`), like Asterisk in asterisk-process.ts.
// The data is disposable (fsync off): this is a test and development server.
import { execFile } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../test/cluster/ports.ts';
import { type ManagedProcess, ProcessGroup } from '../../test/cluster/processes.ts';

const run = promisify(execFile);

/** Every server process shows this (postmaster command line, children's titles): check-no-leftovers looks for it. */
export const CLUSTER_NAME = 'switchboard-postgres';

/** How a client reaches one database. */
export interface DatabaseAccess {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

export interface PostgresProcessOptions {
  /** Folder for data, socket and log (created). */
  readonly dir: string;
  /** Process group to run in (default: a new one in `dir`, with its reaper). */
  readonly group?: ProcessGroup;
}

export interface PostgresProcess {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly dataDir: string;
  readonly socketDir: string;
  /** The server's log (stderr), appended across restarts. */
  readonly logPath: string;
  /** The superuser (`postgres`) and its generated password. */
  readonly superuser: DatabaseAccess;
  /** uid/gid the server runs as when we are root. */
  readonly runAs: { uid: number; gid: number } | undefined;
  /** initdb (first time only), start, and resolve once it accepts connections; again after stop/kill. */
  start(): Promise<void>;
  /** Fast shutdown (SIGINT: sessions are disconnected, data is flushed), then wait. */
  stop(): Promise<void>;
  /** SIGKILL to every server process, as a crash would. */
  kill(): Promise<void>;
  /** Creates a role (LOGIN, generated password) owning a new database of the same name. */
  createDatabase(name: string): Promise<DatabaseAccess>;
  readonly running: boolean;
}

/** Where Debian's server binaries are: SWITCHBOARD_POSTGRES_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string {
  const fromEnv = process.env.SWITCHBOARD_POSTGRES_BIN;
  if (fromEnv) return fromEnv;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest)
    throw new Error(
      'no PostgreSQL server in /usr/lib/postgresql/<version>/bin: run `make system-deps` (Debian package "postgresql"), or set SWITCHBOARD_POSTGRES_BIN',
    );
  return join(base, newest, 'bin');
}

/** The account the server runs as when we are root: the package's `postgres` user, else nobody. */
function serviceAccount(): { uid: number; gid: number } {
  const passwd = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : '';
  const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid && gid) return { uid: Number(uid), gid: Number(gid) };
  return { uid: 65534, gid: 65534 };
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

export async function createPostgres(options: PostgresProcessOptions): Promise<PostgresProcess> {
  const { dir } = options;
  const bin = postgresBinDir();
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  const port = await freePort();
  const runAs = process.getuid?.() === 0 ? serviceAccount() : undefined;
  if (runAs) assertReachable(dir, runAs);
  mkdirSync(socketDir, { recursive: true });
  if (runAs) {
    chownSync(dir, runAs.uid, runAs.gid);
    chownSync(socketDir, runAs.uid, runAs.gid);
  }
  const superuser: DatabaseAccess = {
    host: '127.0.0.1',
    port,
    database: 'postgres',
    user: 'postgres',
    password: randomBytes(16).toString('hex'),
  };
  const group = options.group ?? new ProcessGroup(dir);
  let proc: ManagedProcess | undefined;
  let logPath = join(dir, 'postgres.log');

  const initdb = async () => {
    // The superuser's password reaches initdb through a file only it can read,
    // removed right after (never on a command line).
    const pwfile = join(dir, 'superuser-password');
    writeFileSync(pwfile, `${superuser.password}\n`, { mode: 0o600 });
    if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
    try {
      await run(
        join(bin, 'initdb'),
        [
          '--pgdata',
          dataDir,
          '--username',
          superuser.user,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
          '--no-sync',
          '--no-instructions',
        ],
        { ...(runAs ?? {}), timeout: 120_000 },
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  };

  const postmasterStatus = (): string | undefined => {
    // Line 8 of postmaster.pid: "starting", "ready", "stopping" (what pg_ctl -w reads).
    const path = join(dataDir, 'postmaster.pid');
    if (!existsSync(path)) return undefined;
    return readFileSync(path, 'utf8').split('\n')[7]?.trim();
  };

  const self: PostgresProcess = {
    host: '127.0.0.1',
    port,
    dataDir,
    socketDir,
    get logPath() {
      return logPath;
    },
    superuser,
    runAs,
    get running() {
      return proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null;
    },
    async start() {
      if (self.running) return;
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await initdb();
      const settings = {
        listen_addresses: '127.0.0.1',
        port: String(port),
        unix_socket_directories: socketDir,
        cluster_name: CLUSTER_NAME,
        // disposable data: no waiting for the disk
        fsync: 'off',
        synchronous_commit: 'off',
        full_page_writes: 'off',
        logging_collector: 'off',
      };
      const args = [
        '-D',
        dataDir,
        ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ];
      const [command, commandArgs] = runAs
        ? [
            'setpriv',
            [
              `--reuid=${runAs.uid}`,
              `--regid=${runAs.gid}`,
              '--clear-groups',
              join(bin, 'postgres'),
              ...args,
            ],
          ]
        : [join(bin, 'postgres'), args];
      proc = group.start('postgres', command, commandArgs);
      logPath = proc.logPath;
      const started = proc;
      const exited = started.exited.then((code) => {
        throw new Error(
          `PostgreSQL exited (${code}) while starting; see ${started.logPath}:\n${tail(started.logPath)}`,
        );
      });
      exited.catch(() => {});
      const ready = (async () => {
        const deadline = Date.now() + 60_000;
        // A stale postmaster.pid (after kill) says "ready" until the new server rewrites it.
        while (!(postmasterPid() === started.child.pid && postmasterStatus() === 'ready')) {
          if (Date.now() > deadline)
            throw new Error(`PostgreSQL not ready after 60 s; see ${started.logPath}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await Promise.race([ready, exited]);
    },
    async stop() {
      const p = proc;
      if (!p) return;
      proc = undefined;
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for every client to leave.
      p.child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), 15_000);
      });
      const result = await keepAlive(Promise.race([p.exited, timedOut]));
      clearTimeout(timer);
      if (result === 'timeout') await group.stop(p, 0);
    },
    async kill() {
      const p = proc;
      if (!p) return;
      proc = undefined;
      try {
        process.kill(-(p.child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      await keepAlive(p.exited);
    },
    async createDatabase(name) {
      if (!identifier.test(name)) throw new Error(`not a plain SQL name: "${name}"`);
      const access: DatabaseAccess = {
        host: '127.0.0.1',
        port,
        database: name,
        user: name,
        password: randomBytes(16).toString('hex'),
      };
      const client = new pg.Client(superuser);
      await client.connect();
      try {
        // The server gets the SCRAM verifier, never the password: a statement
        // that ends up in the server's log (an error) shows no secret.
        await client.query(
          `CREATE ROLE ${name} LOGIN PASSWORD ${client.escapeLiteral(scramVerifier(access.password))}`,
        );
        await client.query(`CREATE DATABASE ${name} OWNER ${name}`);
        // Only its owner (and the superuser) may connect.
        await client.query(`REVOKE ALL ON DATABASE ${name} FROM PUBLIC`);
      } finally {
        await client.end();
      }
      return access;
    },
  };

  const postmasterPid = (): number | undefined => {
    const path = join(dataDir, 'postmaster.pid');
    if (!existsSync(path)) return undefined;
    return Number(readFileSync(path, 'utf8').split('\n')[0]);
  };

  return self;
}

/** A SCRAM-SHA-256 password verifier as PostgreSQL stores it (what psql's \password sends). */
export function scramVerifier(password: string, iterations = 4096): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The server's account must be able to walk down to `dir` (a 0700 folder of root's on the way stops it). */
function assertReachable(dir: string, { uid, gid }: { uid: number; gid: number }): void {
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    if (existsSync(d)) {
      const st = statSync(d);
      const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
      const searchable = st.mode & bit;
      if (!searchable)
        throw new Error(
          `PostgreSQL runs as uid ${uid} (it refuses root) and cannot reach ${dir}: ${d} is not searchable by others (mode ${(st.mode & 0o777).toString(8)})`,
        );
    }
    if (d === dirname(d)) return;
  }
}

/** Awaits a child's exit (the process group unrefs its children) without letting Node's event loop run dry. */
async function keepAlive<T>(promise: Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 1000);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}

function tail(path: string): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split('\n').slice(-30).join('\n');
}
