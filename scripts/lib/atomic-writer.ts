// The kubelet's AtomicWriter layout for a directory it keeps up to date (a
// ConfigMap, Secret or projected volume): the files live in `..data_<n>/`,
// `..data` links to the current one, and each `<file>` links to
// `..data/<file>`. A new version is written beside the old one and swapped in
// with one rename of `..data`, so every file changes at once and none is ever
// half-written. What reads the directory sees exactly what a Pod would.
import { chownSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AtomicWriterOptions {
  /**
   * Like a Pod's fsGroup with defaultMode 0440: files owned by root and this
   * group, readable by the group only. Without it, each file gets its own mode.
   */
  readonly group?: number;
}

export interface AtomicFile {
  readonly content: string | Buffer;
  /** Without a group (default 0644). */
  readonly mode?: number;
}

export class AtomicWriter {
  readonly #root: string;
  readonly #group: number | undefined;
  #generation = 0;
  #linked = new Set<string>();

  /** Takes `root` over: whatever an earlier run left there goes. */
  constructor(root: string, options: AtomicWriterOptions = {}) {
    this.#root = root;
    this.#group = options.group;
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
  }

  /** Replaces the directory's files with `files` (name → content) in one swap. */
  write(files: ReadonlyMap<string, AtomicFile>): void {
    const name = `..data_${++this.#generation}`;
    const data = join(this.#root, name);
    mkdirSync(data);
    for (const [file, { content, mode }] of files) {
      const path = join(data, file);
      if (this.#group === undefined) writeFileSync(path, content, { mode: mode ?? 0o644 });
      else {
        writeFileSync(path, content, { mode: 0o440 });
        chownSync(path, 0, this.#group);
      }
    }
    const tmp = join(this.#root, '..data_tmp');
    rmSync(tmp, { force: true });
    symlinkSync(name, tmp);
    renameSync(tmp, join(this.#root, '..data'));
    for (const file of files.keys())
      if (!this.#linked.has(file)) symlinkSync(join('..data', file), join(this.#root, file));
    for (const file of this.#linked)
      if (!files.has(file)) rmSync(join(this.#root, file), { force: true });
    this.#linked = new Set(files.keys());
    rmSync(join(this.#root, `..data_${this.#generation - 1}`), { recursive: true, force: true });
  }
}
