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
import { isAlive, readPidFile, writePidFile } from './pid-file.js';
import { PlatformError } from '@datapark/platform';

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
 *
 * Keep its text as it is unless the script must change: a different text is rewritten into the
 * file in place at the next start, under the bash processes that are running it (its first
 * line still names @datapark/platform, where it was written before the split, for that reason).
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
    if (child.pid === undefined)
      throw new PlatformError(
        `could not start ${command}`,
        basename(spec.pidFile, '.pid'),
        `check that ${command} is installed and on PATH`,
        'DAEMON_NOT_STARTED',
      );
    child.unref();
    writePidFile(spec.pidFile, child.pid);
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
