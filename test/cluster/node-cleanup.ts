// What the node leaves on the machine beyond its processes, and how it is
// taken back: kernel settings the kubelet and the node change (restored to
// what they were), iptables chains (kube-proxy's KUBE-*, the kubelet's canaries,
// portmap's CNI-*), nftables tables iptables-nft created for them, mounts
// under the node's directory (rootfs overlays, projected volumes), network
// namespaces, Pod cgroups, and any container or shim a crash left behind.
// Every step tolerates finding nothing, so a second call is harmless.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Sysctls the node sets: forwarding (Pod → Service) and the kubelet's kernel defaults. */
const SYSCTLS = [
  'net/ipv4/ip_forward',
  'net/ipv4/conf/all/route_localnet',
  'net/bridge/bridge-nf-call-iptables',
  'net/bridge/bridge-nf-call-ip6tables',
  'vm/overcommit_memory',
  'vm/panic_on_oom',
  'kernel/panic',
  'kernel/panic_on_oops',
  'kernel/keys/root_maxkeys',
  'kernel/keys/root_maxbytes',
];

/** The chains the node's components make; one node runs per machine, so every such chain is ours. */
const OUR_CHAIN = /^(KUBE|CNI)-/;
const NETNS_DIR = '/run/netns';
/**
 * Machine-wide directories containerd and the CNI library make even with the
 * node's state elsewhere (shim sockets, network namespaces, the CNI result
 * cache): removed when the node made them and they are empty again. Deepest first.
 */
const SHARED_DIRS = [
  '/run/containerd/s',
  '/run/containerd',
  NETNS_DIR,
  '/var/lib/cni/results',
  '/var/lib/cni',
];
const CGROUP_ROOT = '/sys/fs/cgroup';
/** The kubelet's Pod cgroups (cgroupfs driver, cgroup root "/"). */
const POD_CGROUP = 'kubepods';

/** The machine before the node: what stop() puts back. Plain data: it is kept in a file. */
export interface MachineState {
  readonly sysctls: Readonly<Record<string, string>>;
  readonly netns: readonly string[];
  readonly nftTables: readonly string[];
  readonly sharedDirs: readonly string[];
}

/**
 * Where the machine's state before the current node is kept until that node
 * has stopped: a node whose process was killed never restored it, and the
 * next node must put back the machine's values, not the dead node's.
 */
const STATE_FILE = '/run/switchboard-node.machine.json';

export async function recordMachineState(): Promise<MachineState> {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as MachineState;
  } catch {
    // no node died before this one
  }
  const sysctls: Record<string, string> = {};
  for (const name of SYSCTLS) {
    try {
      sysctls[name] = readFileSync(`/proc/sys/${name}`, 'utf8').trim();
    } catch {
      // not on this kernel
    }
  }
  const state: MachineState = {
    sysctls,
    netns: listDir(NETNS_DIR),
    nftTables: await nftTables(),
    sharedDirs: SHARED_DIRS.filter((d) => existsSync(d)),
  };
  writeFileSync(STATE_FILE, JSON.stringify(state));
  return state;
}

export function setSysctl(name: string, value: string): void {
  writeFileSync(`/proc/sys/${name}`, value);
}

/** Takes back everything in the header; `dir` is the node's directory (its mounts). */
export async function restoreMachine(
  state: MachineState,
  dir: string,
  containerdSocket: string,
): Promise<string[]> {
  const problems: string[] = [];
  const step = async (what: string, f: () => Promise<void> | void) => {
    try {
      await f();
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  await step('shims', () => killMatching(`containerd-shim-runc-v2 .*-address ${containerdSocket}`));
  await step('pod processes', killPodProcesses);
  await step('mounts', () =>
    unmountUnder([dir, ...newNetns(state).map((n) => join(NETNS_DIR, n))]),
  );
  await step('network namespaces', () => {
    for (const name of newNetns(state)) rmSync(join(NETNS_DIR, name), { force: true });
  });
  for (const cmd of ['iptables', 'ip6tables']) {
    await step(cmd, () => removeOurChains(cmd));
  }
  await step('nftables', async () => {
    for (const table of await nftTables()) {
      if (!state.nftTables.includes(table))
        await run('nft', ['delete', 'table', ...table.split(' ')]);
    }
  });
  await step('cgroups', removePodCgroups);
  for (const d of SHARED_DIRS.filter((d) => !state.sharedDirs.includes(d))) {
    await step(`rmdir ${d}`, () => {
      if (existsSync(d) && listDir(d).length === 0) rmdirSync(d);
    });
  }
  for (const [name, value] of Object.entries(state.sysctls)) {
    await step(`sysctl ${name}`, () => {
      if (readFileSync(`/proc/sys/${name}`, 'utf8').trim() !== value) setSysctl(name, value);
    });
  }
  // Kept only while something may still need putting back.
  if (problems.length === 0) rmSync(STATE_FILE, { force: true });
  return problems;
}

/**
 * What a node whose test process was killed outright (no stop()) leaves
 * behind once the reaper has stopped its containerd and kubelet: shims and
 * their containers, their mounts, network namespaces and cgroups. Called with
 * the node lock held (node-lock.ts), so all of it is stale. Its bridge and
 * iptables chains are taken over by the next node and removed when it stops.
 */
export async function sweepStaleNode(): Promise<void> {
  await killMatching('containerd-shim-runc-v2 .*-address [^ ]*/node/containerd/containerd.sock');
  killPodProcesses();
  const staleMounts = mountPoints().filter(
    (p) => /\/node\/(containerd|kubelet)(\/|$)/.test(p) || p.startsWith(`${NETNS_DIR}/cni-`),
  );
  for (const mountPoint of staleMounts) {
    await run('umount', ['--lazy', mountPoint]).catch(() => undefined);
  }
  for (const name of listDir(NETNS_DIR).filter((n) => n.startsWith('cni-'))) {
    rmSync(join(NETNS_DIR, name), { force: true });
  }
  await removePodCgroups();
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function newNetns(state: MachineState): string[] {
  return listDir(NETNS_DIR).filter((n) => !state.netns.includes(n));
}

async function killMatching(pattern: string): Promise<void> {
  const { stdout } = await run('pgrep', ['-f', '--', pattern]).catch(() => ({ stdout: '' }));
  for (const pid of stdout.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}

/** Kills whatever still runs in a Pod cgroup (containers of a crashed run). */
function killPodProcesses(): void {
  const root = join(CGROUP_ROOT, 'pids', POD_CGROUP);
  for (const cgroup of cgroupTree(root)) {
    for (const pid of readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').split('\n')) {
      if (pid === '') continue;
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }
}

/** `root` and every cgroup below it, deepest first. */
function cgroupTree(root: string): string[] {
  if (!existsSync(root)) return [];
  const below = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => cgroupTree(join(root, e.name)));
  return [...below, root];
}

async function removePodCgroups(): Promise<void> {
  for (const hierarchy of listDir(CGROUP_ROOT)) {
    for (const cgroup of cgroupTree(join(CGROUP_ROOT, hierarchy, POD_CGROUP))) {
      // A cgroup empties a moment after its last process is killed.
      for (let attempt = 0; ; attempt++) {
        try {
          rmdirSync(cgroup);
          break;
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  }
}

/** Every mount point, from /proc/self/mountinfo, deepest first. */
function mountPoints(): string[] {
  const decode = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(Number.parseInt(octal, 8)),
    );
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(decode)
    .sort((a, b) => b.length - a.length);
}

function mountsUnder(roots: readonly string[]): string[] {
  return mountPoints().filter((p) => roots.some((root) => p === root || p.startsWith(`${root}/`)));
}

async function unmountUnder(roots: readonly string[]): Promise<void> {
  for (const mountPoint of mountsUnder(roots)) {
    await run('umount', [mountPoint]).catch(() => run('umount', ['--lazy', mountPoint]));
  }
}

/** Deletes every rule that jumps to one of our chains, then our chains themselves. */
async function removeOurChains(cmd: 'iptables' | 'ip6tables' | string): Promise<void> {
  const { stdout } = await run(`${cmd}-save`);
  let script = '';
  let table = '';
  let deletes: string[] = [];
  let chains: string[] = [];
  const flush = () => {
    if (table && (deletes.length > 0 || chains.length > 0)) {
      script += `*${table}\n${deletes.join('\n')}${deletes.length ? '\n' : ''}`;
      script += chains.map((c) => `-F ${c}\n`).join('') + chains.map((c) => `-X ${c}\n`).join('');
      script += 'COMMIT\n';
    }
    deletes = [];
    chains = [];
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith('*')) {
      flush();
      table = line.slice(1);
    } else if (line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0] ?? '';
      if (OUR_CHAIN.test(chain)) chains.push(chain);
    } else if (line.startsWith('-A ')) {
      const [, chain] = line.split(' ');
      const target = / -[jg] (\S+)/.exec(line)?.[1] ?? '';
      if (!OUR_CHAIN.test(chain ?? '') && OUR_CHAIN.test(target))
        deletes.push(`-D${line.slice(2)}`);
    } else if (line === 'COMMIT') {
      flush();
      table = '';
    }
  }
  if (script === '') return;
  await new Promise<void>((resolve, reject) => {
    const child = execFile(`${cmd}-restore`, ['--noflush'], (err, _out, stderr) =>
      err ? reject(new Error(`${cmd}-restore: ${stderr.trim() || String(err)}`)) : resolve(),
    );
    child.stdin?.end(script);
  });
}

async function nftTables(): Promise<string[]> {
  const { stdout } = await run('nft', ['list', 'tables']).catch(() => ({ stdout: '' }));
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('table '))
    .map((line) => line.slice('table '.length).trim());
}
