import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc shows it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Its command line, arguments joined by spaces (the kernel's name for it when that is empty). */
  readonly command: string;
  /** Resident set size (VmRSS) in bytes: 0 for a kernel thread or a zombie. */
  readonly rssBytes: number;
}

/**
 * Every process of the machine that this user can see, by pid, read from /proc/PID/status and
 * /proc/PID/cmdline (Linux, the only target of the local platform).
 */
export function readProcessTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info) table.set(info.pid, info);
  }
  return table;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1];
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return {
      pid,
      ppid: Number(field('PPid') ?? 0),
      command: cmdline.length > 0 ? cmdline.join(' ') : (field('Name') ?? '?'),
      rssBytes: Number.parseInt(field('VmRSS') ?? '0', 10) * 1024,
    };
  } catch {
    return undefined; // exited while we read, or not ours to read
  }
}

/** `roots` and every process descending from them (a supervisor's child, gunicorn's workers). */
export function processTree(
  table: ReadonlyMap<number, ProcessInfo>,
  roots: readonly number[],
): ProcessInfo[] {
  const children = new Map<number, number[]>();
  for (const p of table.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seen = new Set<number>();
  const pending = [...roots];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    if (seen.has(pid) || !table.has(pid)) continue;
    seen.add(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return [...seen].map((pid) => table.get(pid)!);
}
