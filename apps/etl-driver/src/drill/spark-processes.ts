import { readdirSync, readFileSync } from 'node:fs';

/** A process as /proc shows it: enough to tell which Spark worker runs what. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly args: readonly string[];
}

function entry(pid: number): ProcessEntry | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // stat is "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { pid, ppid, args };
  } catch {
    return undefined; // it exited while we looked
  }
}

export function listProcesses(): ProcessEntry[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => entry(Number(name)))
    .filter((p): p is ProcessEntry => p !== undefined);
}

/** Where a standalone application runs, as the processes its workers launched show it. */
export interface SparkPlacement {
  /** The worker that launched the cluster-mode driver, and the driver's work directory. */
  readonly driverWorker?: number;
  readonly driverDir?: string;
  /** Each executor of the application: its id and the worker that launched it. */
  readonly executors: readonly { readonly id: string; readonly worker: number }[];
}

const argAfter = (args: readonly string[], flag: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};

/**
 * A worker starts the driver (DriverWrapper) and executors (CoarseGrainedExecutorBackend) as
 * its own children, so a parent pid names the worker; the driver's arguments hold its work
 * directory, where its log is.
 */
export function sparkPlacement(
  processes: readonly ProcessEntry[],
  driverId: string,
  appId: string,
): SparkPlacement {
  const driver = processes.find(
    (p) =>
      p.args.some((a) => a.endsWith('DriverWrapper')) && p.args.some((a) => a.includes(driverId)),
  );
  const driverFile = driver?.args.find((a) => a.includes(`/${driverId}/`));
  const executors = processes
    .filter(
      (p) =>
        p.args.some((a) => a.endsWith('CoarseGrainedExecutorBackend')) &&
        argAfter(p.args, '--app-id') === appId,
    )
    .map((p) => ({ id: argAfter(p.args, '--executor-id') ?? '?', worker: p.ppid }));
  return {
    ...(driver ? { driverWorker: driver.ppid } : {}),
    ...(driverFile
      ? {
          driverDir: driverFile.slice(0, driverFile.indexOf(`/${driverId}/`) + driverId.length + 1),
        }
      : {}),
    executors,
  };
}
