import { spawnSync } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { findExecutable } from '@datapark/platform';
import { type Check, checksOf, formatBytes } from './check.js';

const machine = checksOf('machine');
/** kysely 0.29 and execa 10 need Node 22; tools/ci/node.sh brings 24. */
const NODE_MAJOR = 22;
/** Spark 4.1 and Kafka 4's brokers run on Java 17 or newer. */
const JAVA_MAJOR = 17;
const GiB = 2 ** 30;
/** Below this the state directory's disk cannot hold a day of events, logs and Spark output. */
const DISK_FAIL = 1 * GiB;
const DISK_WARN = 5 * GiB;
/** The share under which DiskFilling fires (packages/platform-local/monitoring/rules). */
const DISK_WARN_SHARE = 0.1;

export function nodeCheck(version = process.versions.node): Check {
  const major = Number(version.split('.')[0]);
  return major >= NODE_MAJOR
    ? machine.ok('node', `Node ${version} (${NODE_MAJOR} or newer needed)`)
    : machine.fail(
        'node',
        `Node ${version} is older than ${NODE_MAJOR}: kysely and execa need it`,
        {
          fix: '. tools/ci/node.sh (puts Node 24 from the npm registry first on PATH)',
        },
      );
}

export function cpuCheck(cpus = availableParallelism()): Check {
  return cpus >= 2
    ? machine.ok('cpus', `${cpus} CPUs`)
    : machine.warn(
        'cpus',
        `${cpus} CPU: the platform starts, slowly (it is built and measured on 2)`,
      );
}

/** Free space on the file system of the state directory (or of its nearest existing parent). */
export function diskCheck(stateDir: string): Check {
  let dir = stateDir;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const stats = statfsSync(dir);
  return diskVerdict(stateDir, stats.bavail * stats.bsize, stats.blocks * stats.bsize);
}

/**
 * The disk check from the free and total bytes: fails under 1 GiB, warns under 5 GiB and, like
 * the platform's DiskFilling alert, under 10% of the disk free (a big disk can be nearly full
 * with many GiB left, and then the alert fires while the doctor said all was well).
 */
export function diskVerdict(stateDir: string, free: number, size: number): Check {
  const finding = `${formatBytes(free)} free under ${stateDir}`;
  const fix = `free space on that disk, or move the state directory: DATAPARK_STATE_DIR=/a/bigger/disk npx nx run platform:up`;
  if (free < DISK_FAIL) return machine.fail('disk', `only ${finding}`, { fix });
  if (free < DISK_WARN)
    return machine.warn('disk', `${finding}: Kafka, PostgreSQL and Spark's event logs grow`, {
      fix,
    });
  if (size > 0 && free / size < DISK_WARN_SHARE)
    return machine.warn(
      'disk',
      `${finding}, ${((100 * free) / size).toFixed(1)}% of the disk: under ${100 * DISK_WARN_SHARE}% the platform's DiskFilling alert fires`,
      { fix },
    );
  return machine.ok('disk', finding);
}

/** `java -version` of the java on PATH, the one Kafka and Spark start with. */
export function javaCheck(): Check {
  const install = {
    fix: 'sudo apt-get install openjdk-17-jre-headless (or: bash tools/ci/apt.sh, which installs every Debian package the platform needs)',
  };
  const java = findExecutable('java');
  if (!java)
    return machine.fail('java', 'java was not found on PATH: Kafka and Spark run on it', install);
  const result = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`;
  const version = /version "([^"]+)"/.exec(output)?.[1];
  if (result.status !== 0 || !version)
    return machine.fail(
      'java',
      `${java} -version failed: ${output.trim() || result.error?.message}`,
      install,
    );
  const [first, second] = version.split('.').map(Number);
  const major = first === 1 ? (second ?? 0) : (first ?? 0); // 1.8.0_x is Java 8
  const name = /^(\S+) version/m.exec(output)?.[1] ?? 'java';
  return major >= JAVA_MAJOR
    ? machine.ok('java', `${name} ${version} (${java})`)
    : machine.fail(
        'java',
        `${name} ${version} (${java}) is older than Java ${JAVA_MAJOR}, which Kafka 4 and Spark 4 need`,
        install,
      );
}
