// The project's images as tools/images/build.sh leaves them (OCI image layouts
// in tar files), and a reader for what is inside one: its config and the
// files of its layers, with no container engine.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../cluster/tools.ts';

const run = promisify(execFile);

export interface ProjectImages {
  /** OCI archive of the operator image (switchboard-operator). */
  readonly operator: string;
  /** OCI archive of the Asterisk image (switchboard-asterisk). */
  readonly asterisk: string;
}

/** Parses the `name=path` lines tools/images/build.sh ends with. */
export function parseImages(output: string): ProjectImages {
  const paths = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^(switchboard-[a-z]+)=(\/.+)$/.exec(line.trim());
    if (m?.[1] && m[2]) paths.set(m[1], m[2]);
  }
  const operator = paths.get('switchboard-operator');
  const asterisk = paths.get('switchboard-asterisk');
  if (!operator || !asterisk)
    throw new Error(`tools/images/build.sh printed no images:\n${output}`);
  return { operator, asterisk };
}

let cached: Promise<ProjectImages> | undefined;

/**
 * The images: SWITCHBOARD_IMAGES (the script's output, as `make test` passes
 * it), else the script's answer (at once when its cache holds them; a cold
 * build takes ~15 minutes).
 */
export function projectImages(): Promise<ProjectImages> {
  cached ??= (async () => {
    const fromEnv = process.env.SWITCHBOARD_IMAGES;
    if (fromEnv) return parseImages(fromEnv);
    const script = join(repoRoot, 'tools', 'images', 'build.sh');
    return parseImages((await run(script, { maxBuffer: 16 << 20 })).stdout);
  })();
  return cached;
}

/**
 * The images as a node imports them (`ctr images import --base-name
 * localhost/<name> <tarball>`): the archive's reference name is its key, so
 * the image is `localhost/<name>:<key>`.
 */
export async function projectImageTarballs(): Promise<
  { name: string; tarball: string; ref: string }[]
> {
  const images = await projectImages();
  return Object.values(images).map((tarball: string) => {
    const m = /\/(switchboard-[a-z]+)-([0-9a-f]+)\.oci\.tar$/.exec(tarball);
    if (!m?.[1] || !m[2]) throw new Error(`unexpected image archive name ${tarball}`);
    return { name: m[1], tarball, ref: `localhost/${m[1]}:${m[2]}` };
  });
}

export interface ImageConfig {
  User?: string;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  ExposedPorts?: Record<string, object>;
}

export interface LayerEntry {
  /** Path without a leading slash or ./ ("usr/sbin/asterisk"); folders end without /. */
  readonly path: string;
  /** d, -, l, h (hard link), c, b, p */
  readonly type: string;
  /** Permission bits, e.g. 0o750 (with setuid/setgid/sticky). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Layer index (0 = bottom). */
  readonly layer: number;
}

export interface OciImage {
  readonly dir: string;
  readonly config: ImageConfig;
  /** Compressed size of the layers as stored (what a registry would send). */
  readonly compressedBytes: number;
  /** Every entry of every layer, later layers after earlier ones. */
  readonly entries: LayerEntry[];
  /** The merged file system: the last entry for each path, minus whiteouts. */
  readonly files: Map<string, LayerEntry>;
  readonly layers: string[];
  /** Extracts paths (as in `files`) from the layers into a temp folder; returns it. */
  extract(paths: string[]): Promise<string>;
  close(): void;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

function blob(dir: string, digest: string): string {
  return join(dir, 'blobs', ...digest.split(':'));
}

function parseMode(perm: string): number {
  let mode = 0;
  const bits = perm.slice(1);
  const values = [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1];
  for (let i = 0; i < 9; i++) {
    const c = bits[i];
    if (c && c !== '-' && c !== 'S' && c !== 'T') mode |= values[i] ?? 0;
    if (i === 2 && (c === 's' || c === 'S')) mode |= 0o4000;
    if (i === 5 && (c === 's' || c === 'S')) mode |= 0o2000;
    if (i === 8 && (c === 't' || c === 'T')) mode |= 0o1000;
  }
  return mode;
}

/** `tar -tv --numeric-owner` of one layer. */
async function listLayer(file: string, layer: number): Promise<LayerEntry[]> {
  const { stdout } = await run('tar', ['-tvzf', file, '--numeric-owner', '--full-time'], {
    maxBuffer: 256 << 20,
  });
  const out: LayerEntry[] = [];
  for (const line of stdout.split('\n')) {
    // drwxr-xr-x 0/0 0 2026-12-05 11:00:00 ./usr/lib/
    const m = /^(\S+) (\d+)\/(\d+)\s+(\d+) \S+ \S+ (.+)$/.exec(line);
    if (!m?.[1] || !m[5]) continue;
    const typeChar = m[1][0] ?? '-';
    let name = m[5];
    let type = typeChar;
    if (typeChar === 'l') name = name.split(' -> ')[0] ?? name;
    else if (name.includes(' link to ')) {
      type = 'h';
      name = name.split(' link to ')[0] ?? name;
    }
    const path = name.replace(/^\.?\//, '').replace(/\/$/, '');
    if (!path) continue;
    out.push({
      path,
      type,
      mode: parseMode(m[1]),
      uid: Number(m[2]),
      gid: Number(m[3]),
      size: Number(m[4]),
      layer,
    });
  }
  return out;
}

/** Opens an OCI archive (unpacks the layout, not the layers, into a temp folder). */
export async function openImage(archive: string): Promise<OciImage> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-oci-'));
  try {
    await run('tar', ['-xf', archive, '-C', dir]);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
      manifests: Descriptor[];
    };
    const first = index.manifests[0];
    if (index.manifests.length !== 1 || !first) throw new Error('expected one image');
    const manifest = JSON.parse(readFileSync(blob(dir, first.digest), 'utf8')) as {
      config: Descriptor;
      layers: Descriptor[];
    };
    const config = (
      JSON.parse(readFileSync(blob(dir, manifest.config.digest), 'utf8')) as {
        config: ImageConfig;
      }
    ).config;
    const layers = manifest.layers.map((l) => blob(dir, l.digest));
    const compressedBytes = layers.reduce((sum, f) => sum + statSync(f).size, 0);
    const entries = (await Promise.all(layers.map((f, i) => listLayer(f, i)))).flat();
    const files = new Map<string, LayerEntry>();
    for (const e of entries) {
      const base = e.path.split('/').at(-1) ?? '';
      if (base.startsWith('.wh.')) {
        const parent = e.path.slice(0, e.path.length - base.length);
        if (base === '.wh..wh..opq') {
          for (const p of [...files.keys()]) if (p.startsWith(parent)) files.delete(p);
        } else {
          const gone = parent + base.slice(4);
          files.delete(gone);
          for (const p of [...files.keys()]) if (p.startsWith(`${gone}/`)) files.delete(p);
        }
        continue;
      }
      files.set(e.path, e);
    }
    return {
      dir,
      config,
      compressedBytes,
      entries,
      files,
      layers,
      async extract(paths: string[]): Promise<string> {
        const into = mkdtempSync(join(dir, 'rootfs-'));
        const byLayer = new Map<number, string[]>();
        for (const p of paths) {
          const e = files.get(p);
          if (!e) throw new Error(`${p} is not in the image`);
          byLayer.set(e.layer, [...(byLayer.get(e.layer) ?? []), p]);
        }
        for (const [layer, list] of byLayer) {
          const file = layers[layer];
          if (!file) continue;
          // Layers name entries with or without ./: match both.
          await run('tar', [
            '-xzf',
            file,
            '-C',
            into,
            '--wildcards',
            ...list.flatMap((p) => [p, `./${p}`]),
          ]).catch(async () => {
            // tar fails when one spelling matches nothing; extract one by one.
            for (const p of list)
              await run('tar', ['-xzf', file, '-C', into, p]).catch(() =>
                run('tar', ['-xzf', file, '-C', into, `./${p}`]),
              );
          });
        }
        return into;
      },
      close(): void {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Uncompressed size of the merged file system, and per top-level folder. */
export function sizes(image: OciImage): { total: number; byTop: Map<string, number> } {
  let total = 0;
  const byTop = new Map<string, number>();
  for (const e of image.files.values()) {
    if (e.type !== '-') continue;
    total += e.size;
    const parts = e.path.split('/');
    const top = parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? '');
    byTop.set(top, (byTop.get(top) ?? 0) + e.size);
  }
  return { total, byTop };
}
