import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DaemonSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly pidFile: string;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * `on-failure`: a supervisor restarts the process whenever it exits non-zero, with backoff
   * (1 s doubling to 30 s, back to 1 s after a minute of running), as Kubernetes restarts a
   * crashed container. For processes that exit by design when a dependency goes away (Airflow's
   * scheduler exits when its metadata database does). A stop signal is never restarted.
   */
  readonly restart?: 'on-failure';
}

/**
 * The supervisor `restart: 'on-failure'` runs: bash, already a prerequisite, costs a few MB where
 * a Node supervisor would cost forty. The process runs in the foreground (a background job of a
 * non-interactive shell would ignore SIGINT) and in the supervisor's process group, so
 * {@link stopDaemon}'s signal reaches both: the process exits, then the trap ends the loop.
 */
const SUPERVISOR = String.raw`# Data Park: restarts a daemon that exits non-zero (written by @datapark/platform)
name=$1; shift
trap 'exit 143' TERM INT
delay=1
restarts=0
while :; do
  started=$SECONDS
  "$@"
  code=$?
  [ "$code" -eq 0 ] && exit 0
  [ $((SECONDS - started)) -ge 60 ] && delay=1
  restarts=$((restarts + 1))
  echo "[datapark] $name exited with code $code after $((SECONDS - started)) s; restart $restarts in $delay s" >&2
  sleep "$delay"
  delay=$((delay * 2 > 30 ? 30 : delay * 2))
done
`;

/** True when a process with this pid exists (and is not a zombie we could reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie has exited: treat it as dead. /proc is there on Linux, the only target here.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.[0] !== 'Z';
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
 * Writes the supervisor beside the pid files, so `ps` shows `bash …/datapark-supervise.sh
 * airflow-scheduler …` rather than the whole script.
 */
function supervisorScript(dir: string): string {
  const file = join(dir, 'datapark-supervise.sh');
  if (!existsSync(file) || readFileSync(file, 'utf8') !== SUPERVISOR)
    writeFileSync(file, SUPERVISOR);
  return file;
}

/**
 * Starts a long-running process detached from this one, in its own process group, so it
 * outlives the CLI; records its pid. Output goes to the log file.
 */
export function startDaemon(spec: DaemonSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const [command, args] =
      spec.restart === 'on-failure'
        ? [
            'bash',
            [
              supervisorScript(dirname(spec.pidFile)),
              basename(spec.pidFile, '.pid'),
              spec.command,
              ...spec.args,
            ],
          ]
        : [spec.command, [...spec.args]];
    const child = spawn(command, args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    const identity = identityOf(child.pid);
    writeFileSync(
      spec.pidFile,
      identity
        ? `${child.pid}\nstart=${identity.start}\nboot=${identity.boot}\n`
        : `${child.pid}\n`,
    );
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/**
 * Stops a daemon: SIGTERM to its process group, then SIGKILL after `graceMs`. Returns whether
 * it had been running. A pid file whose pid now belongs to another process is reported through
 * `onStale` and removed, never signalled.
 */
export async function stopDaemon(
  pidFile: string,
  graceMs = 15_000,
  onStale: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
): Promise<boolean> {
  const record = readPidFile(pidFile);
  if (record.state !== 'running') {
    if (record.state === 'stale')
      onStale(
        `${pidFile}: pid ${record.pid} is now another process (pid reused, or the file is from ` +
          'before a reboot); not signalled, the stale pid file is removed',
      );
    rmSync(pidFile, { force: true });
    return false;
  }
  const { pid } = record;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(pidFile, { force: true });
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
