// Samples processes from /proc once a second while a benchmark runs: CPU
// seconds (utime + stime of /proc/<pid>/stat) and resident memory (VmRSS of
// /proc/<pid>/status), per named group of processes, plus the whole machine's
// busy time (/proc/stat), so a figure can say how loaded the cores were. A
// group is either fixed pids or a pid's descendants matched by a test on their
// command name (e.g. every Chromium process the benchmark's browser started).
// Linux only; pure reading, nothing is signalled.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks per second of /proc's CPU times (getconf CLK_TCK; 100 on Linux). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** utime + stime, seconds. */
  readonly cpu: number;
}

/** /proc/<pid>/stat: the command name sits in parentheses and may contain spaces. */
function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3]
  return {
    pid,
    ppid: Number(rest[1]),
    comm: text.slice(open + 1, close),
    cpu: (Number(rest[11]) + Number(rest[12])) / TICKS,
  };
}

/** VmRSS in KiB (0 when the process is gone). */
function rssKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Proportional set size in KiB (/proc/<pid>/smaps_rollup): shared pages split
 * among the processes that map them, so a group's sum counts each page once
 * (Chromium's renderers share most of their code; their VmRSS sum would count
 * it once per process).
 */
function pssKiB(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of all CPUs (the first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/**
 * Fixed pids (memory: VmRSS), or a pid's descendants whose command name
 * matches (memory: the sum of their PSS).
 */
export type GroupSpec =
  | { readonly pids: () => readonly (number | undefined)[] }
  | { readonly descendantsOf: number; readonly comm: RegExp };

export interface Sample {
  /** performance.now() */
  readonly at: number;
  /** Per group: CPU seconds so far (of the processes alive now) and memory in KiB (see GroupSpec). */
  readonly groups: Readonly<Record<string, { cpu: number; rssKiB: number; processes: number }>>;
  /** Whole machine, jiffies. */
  readonly machine: { busy: number; total: number };
}

export interface Window {
  /** CPU% of one core, averaged over the window (100 = one core busy). */
  readonly cpuPercent: number;
  /** The busiest one-second interval, CPU% of one core. */
  readonly peakCpuPercent: number;
  readonly cpuSeconds: number;
  readonly rssStartMiB: number;
  readonly rssPeakMiB: number;
  readonly rssEndMiB: number;
  readonly processes: number;
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export class ProcessSampler {
  readonly samples: Sample[] = [];
  readonly #groups: Record<string, GroupSpec>;
  #timer: NodeJS.Timeout | undefined;

  constructor(groups: Record<string, GroupSpec>) {
    this.#groups = groups;
  }

  start(intervalMs = 1000): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.sample();
  }

  /** Takes one sample now (start() and stop() take one too). */
  sample(): Sample {
    const stats = new Map<number, ProcStat>();
    const needTree = Object.values(this.#groups).some((g) => 'descendantsOf' in g);
    if (needTree)
      for (const pid of allPids()) {
        const s = procStat(pid);
        if (s) stats.set(pid, s);
      }
    const groups: Record<string, { cpu: number; rssKiB: number; processes: number }> = {};
    for (const [name, spec] of Object.entries(this.#groups)) {
      let members: ProcStat[];
      if ('pids' in spec) {
        members = spec
          .pids()
          .filter((p): p is number => p !== undefined)
          .map((p) => stats.get(p) ?? procStat(p))
          .filter((s): s is ProcStat => s !== undefined);
      } else {
        const children = new Map<number, number[]>();
        for (const s of stats.values()) {
          const list = children.get(s.ppid) ?? [];
          list.push(s.pid);
          children.set(s.ppid, list);
        }
        members = [];
        const queue = [...(children.get(spec.descendantsOf) ?? [])];
        while (queue.length) {
          const pid = queue.shift() as number;
          const s = stats.get(pid);
          if (!s) continue;
          if (spec.comm.test(s.comm)) members.push(s);
          queue.push(...(children.get(pid) ?? []));
        }
      }
      const memory = 'pids' in spec ? rssKiB : pssKiB;
      groups[name] = {
        cpu: members.reduce((a, s) => a + s.cpu, 0),
        rssKiB: members.reduce((a, s) => a + memory(s.pid), 0),
        processes: members.length,
      };
    }
    const sample = { at: performance.now(), groups, machine: machineTicks() };
    this.samples.push(sample);
    return sample;
  }

  /**
   * One group between two times (performance.now()): CPU from the samples
   * nearest inside the window. CPU of processes that exited inside the
   * window is lost (a group's sum can then step down: such intervals count 0).
   */
  window(group: string, from: number, to: number): Window {
    const inside = this.samples.filter((s) => s.at >= from && s.at <= to && s.groups[group]);
    const first = inside[0];
    const last = inside.at(-1);
    if (!first || !last || first === last)
      return {
        cpuPercent: Number.NaN,
        peakCpuPercent: Number.NaN,
        cpuSeconds: Number.NaN,
        rssStartMiB: Number.NaN,
        rssPeakMiB: Number.NaN,
        rssEndMiB: Number.NaN,
        processes: 0,
      };
    let cpuSeconds = 0;
    let peak = 0;
    for (let i = 1; i < inside.length; i++) {
      const a = inside[i - 1] as Sample;
      const b = inside[i] as Sample;
      const d = Math.max(0, (b.groups[group]?.cpu ?? 0) - (a.groups[group]?.cpu ?? 0));
      cpuSeconds += d;
      peak = Math.max(peak, (d / ((b.at - a.at) / 1000)) * 100);
    }
    const rss = inside.map((s) => (s.groups[group]?.rssKiB ?? 0) / 1024);
    return {
      cpuPercent: (cpuSeconds / ((last.at - first.at) / 1000)) * 100,
      peakCpuPercent: peak,
      cpuSeconds,
      rssStartMiB: rss[0] ?? Number.NaN,
      rssPeakMiB: Math.max(...rss),
      rssEndMiB: rss.at(-1) ?? Number.NaN,
      processes: Math.max(...inside.map((s) => s.groups[group]?.processes ?? 0)),
    };
  }

  /** The whole machine between two times: mean and busiest second, % of all cores (100 = all busy). */
  machine(from: number, to: number): { percent: number; peakPercent: number; cores: number } {
    const inside = this.samples.filter((s) => s.at >= from && s.at <= to);
    const first = inside[0];
    const last = inside.at(-1);
    const pct = (a: Sample, b: Sample) =>
      ((b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total)) * 100;
    let peak = 0;
    for (let i = 1; i < inside.length; i++)
      peak = Math.max(peak, pct(inside[i - 1] as Sample, inside[i] as Sample));
    return {
      percent: first && last && first !== last ? pct(first, last) : Number.NaN,
      peakPercent: peak,
      cores: availableParallelism(),
    };
  }
}
