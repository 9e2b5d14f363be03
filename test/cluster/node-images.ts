// The node's own images (tools/node/images.sh builds them once into the tools
// cache): the sandbox image and the tests' workload. Their tags are the ones
// images.sh gives them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './tools.ts';

const run = promisify(execFile);

export const PAUSE_IMAGE = 'localhost/pause:1.0';
/** `probe serve <port>` / `probe get <url>` / `probe lookup <name>`: tools/node/probe/main.go. */
export const PROBE_IMAGE = 'localhost/probe:1.0';

export interface ImageTarball {
  /** Imported as localhost/<name>:<the tarball's tag>. */
  readonly name: string;
  readonly tarball: string;
}

let cached: Promise<ImageTarball[]> | undefined;

/** The OCI tarballs of the pause and probe images (SWITCHBOARD_NODE_IMAGES: a built directory). */
export function nodeImages(): Promise<ImageTarball[]> {
  cached ??= (async () => {
    const dir =
      process.env.SWITCHBOARD_NODE_IMAGES ??
      (await run(join(repoRoot, 'tools', 'node', 'images.sh'), { maxBuffer: 16 << 20 })).stdout
        .trim()
        .split('\n')
        .at(-1);
    if (!dir) throw new Error('tools/node/images.sh printed no directory');
    return ['pause', 'probe'].map((name) => ({ name, tarball: join(dir, `${name}.tar`) }));
  })();
  return cached;
}
