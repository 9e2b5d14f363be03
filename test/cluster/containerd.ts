// The node's container runtime: Debian's containerd (1.6) with its CRI plugin,
// all its state under the test run's directory (root, state, runc root,
// socket), and the node's images imported from OCI tarballs (nothing is
// pulled: Pods use imagePullPolicy Never).
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ManagedProcess, ProcessGroup } from './processes.ts';

const run = promisify(execFile);

export interface ContainerdPaths {
  readonly dir: string;
  readonly socket: string;
  readonly config: string;
  /** CNI configuration directory (the conflist is written by cni.ts). */
  readonly cniConfDir: string;
}

export interface ContainerdOptions {
  /** The sandbox image, already imported by the time the first Pod runs. */
  readonly sandboxImage: string;
}

export function containerdPaths(dir: string): ContainerdPaths {
  return {
    dir,
    socket: join(dir, 'containerd.sock'),
    config: join(dir, 'config.toml'),
    cniConfDir: join(dir, 'net.d'),
  };
}

/** containerd's config.toml (version 2, the format of containerd 1.6). */
export function containerdConfig(paths: ContainerdPaths, options: ContainerdOptions): string {
  const cri = '[plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = ${JSON.stringify(join(paths.dir, 'root'))}
state = ${JSON.stringify(join(paths.dir, 'state'))}
# Only what a CRI node needs; "opt" would create /opt/containerd.
disabled_plugins = [
  "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
]

[grpc]
  address = ${JSON.stringify(paths.socket)}

[ttrpc]
  address = ${JSON.stringify(`${paths.socket}.ttrpc`)}

[metrics]
  address = ""

${cri}]
  sandbox_image = ${JSON.stringify(options.sandboxImage)}
  # Without it every sandbox fails ("can't get final child's PID from pipe:
  # EOF"): runc cannot lower oom_score_adj here (no CAP_SYS_RESOURCE).
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false

${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

${cri}.containerd.runtimes.runc.options]
  # The kubelet's cgroup driver is cgroupfs: no systemd here.
  SystemdCgroup = false
  Root = ${JSON.stringify(join(paths.dir, 'runc'))}

${cri}.cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = ${JSON.stringify(paths.cniConfDir)}
  max_conf_num = 1
`;
}

export function startContainerd(
  group: ProcessGroup,
  paths: ContainerdPaths,
  options: ContainerdOptions,
): ManagedProcess {
  mkdirSync(paths.cniConfDir, { recursive: true });
  writeFileSync(paths.config, containerdConfig(paths, options));
  return group.start('containerd', 'containerd', [`--config=${paths.config}`, '--log-level=warn']);
}

/** Runs `ctr` against this containerd in the CRI plugin's namespace. */
export async function ctr(paths: ContainerdPaths, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('ctr', [
      '--address',
      paths.socket,
      '--namespace',
      'k8s.io',
      ...args,
    ]);
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`ctr ${args.join(' ')} failed: ${stderr.trim() || String(err)}`);
  }
}

/** Imports an OCI layout tarball as localhost/<name>:<its tag> and unpacks it for overlayfs. */
export async function importImage(paths: ContainerdPaths, tarball: string, name: string) {
  await ctr(paths, ['images', 'import', '--base-name', `localhost/${name}`, tarball]);
}

/** IDs of the containerd tasks still running (sandboxes and containers). */
export async function runningTasks(paths: ContainerdPaths): Promise<string[]> {
  const out = await ctr(paths, ['tasks', 'list', '--quiet']);
  return out.split('\n').filter((line) => line.trim() !== '');
}
