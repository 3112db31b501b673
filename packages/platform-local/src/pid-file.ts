import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** True when a process with this pid exists (and is not a zombie we could reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie has exited: treat it as dead. /proc is there on Linux, the only target here. But
    // a process whose first thread has ended while others still run shows Z too (a JVM shutting
    // down: the fresh CI restarted kafka-2 while the old one still held its ports): dead only
    // when no thread is left but that one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.split(') ')[1]?.[0] !== 'Z') return true;
    const threads = /^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(threads?.[1] ?? 1) > 1;
  } catch {
    return true;
  }
}

/** What identifies a process beyond its pid, which the kernel reuses: the boot and its start. */
interface ProcessIdentity {
  /** Clock ticks after boot at which it started (/proc/PID/stat, field 22). */
  readonly start: string;
  /** /proc/sys/kernel/random/boot_id: a pid file from before a reboot never matches. */
  readonly boot: string;
}

function identityOf(pid: number): ProcessIdentity | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return start === undefined ? undefined : { start, boot };
  } catch {
    return undefined;
  }
}

/** A pid file read: the pid, and whether the process holding it now is the one recorded. */
export type PidRecord =
  | { readonly state: 'none' }
  | { readonly state: 'running'; readonly pid: number }
  | { readonly state: 'exited'; readonly pid: number }
  /** The pid now belongs to another process (reused, or the file outlived a reboot). */
  | { readonly state: 'stale'; readonly pid: number };

/**
 * Reads a pid file. Ours hold the pid, then `start=` and `boot=` lines identifying the process;
 * a pid file without them (PostgreSQL's postmaster.pid) is trusted on the pid alone.
 */
export function readPidFile(pidFile: string): PidRecord {
  if (!existsSync(pidFile)) return { state: 'none' };
  const lines = readFileSync(pidFile, 'utf8').trim().split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'none' };
  if (!isAlive(pid)) return { state: 'exited', pid };
  const recorded = Object.fromEntries(
    lines
      .slice(1)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Partial<ProcessIdentity>;
  if (recorded.start === undefined) return { state: 'running', pid };
  const now = identityOf(pid);
  return now !== undefined && now.start === recorded.start && now.boot === recorded.boot
    ? { state: 'running', pid }
    : { state: 'stale', pid };
}

/** The pid recorded in `pidFile` if that very process is alive, else undefined. */
export function runningPid(pidFile: string): number | undefined {
  const record = readPidFile(pidFile);
  return record.state === 'running' ? record.pid : undefined;
}

/**
 * Records `pid` with the identity of its process (start time and boot), so a later
 * {@link readPidFile} tells that very process from one that reuses the pid.
 */
export function writePidFile(pidFile: string, pid: number): void {
  const identity = identityOf(pid);
  writeFileSync(
    pidFile,
    identity ? `${pid}\nstart=${identity.start}\nboot=${identity.boot}\n` : `${pid}\n`,
  );
}
