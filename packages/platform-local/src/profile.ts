import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformError } from '@datapark/platform';

export type ProfileName = 'full' | 'lean';

/** What a profile changes; everything else (3 Kafka nodes, RF 3, every component) stays. */
export interface Profile {
  readonly name: ProfileName;
  /** Spark workers, and the cores each offers the master (a scheduling number, not CPUs). */
  readonly sparkWorkers: number;
  readonly sparkWorkerCores: number;
  /**
   * The memory each worker offers the master, in MiB (also a scheduling number: every JVM keeps
   * its own -Xmx). A job submitted through the REST server asks for a 1024 MiB driver (Spark's
   * default there: such a driver does not read spark-defaults.conf) and a 512 MiB executor.
   */
  readonly sparkWorkerMemoryMb: number;
  readonly sparkHistoryServer: boolean;
  /** Each Kafka broker's -Xmx (DATAPARK_KAFKA_HEAP still wins). */
  readonly kafkaHeap: string;
  /** Celery (two workers) or Airflow's LocalExecutor (tasks run under the scheduler). */
  readonly airflowExecutor: 'celery' | 'local';
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  full: {
    name: 'full',
    sparkWorkers: 2,
    sparkWorkerCores: 2,
    sparkWorkerMemoryMb: 2048,
    sparkHistoryServer: true,
    kafkaHeap: '384m',
    airflowExecutor: 'celery',
  },
  // For an 8 GB laptop: one Spark worker offering the same four cores (the streaming job and a
  // batch job still fit), no history server, smaller broker heaps, no Celery workers. The worker
  // offers 3 GiB: with 2 the streaming job (1024 + 512 MiB) left 512 MiB, and a batch job's
  // 1024 MiB driver waited for memory as long as it ran.
  lean: {
    name: 'lean',
    sparkWorkers: 1,
    sparkWorkerCores: 4,
    sparkWorkerMemoryMb: 3072,
    sparkHistoryServer: false,
    kafkaHeap: '256m',
    airflowExecutor: 'local',
  },
};

const PROFILE_FILE = 'profile';

/** The profile asked for with DATAPARK_PROFILE (`up --profile` sets it), if any. */
export function requestedProfile(env: NodeJS.ProcessEnv = process.env): ProfileName | undefined {
  const value = env['DATAPARK_PROFILE']?.trim().toLowerCase();
  if (!value) return undefined;
  if (value === 'full' || value === 'lean') return value;
  throw new PlatformError(
    `DATAPARK_PROFILE = "${value}" is not a profile`,
    'platform',
    'set DATAPARK_PROFILE (or up --profile) to full (the default) or lean (an 8 GB laptop), or unset it',
    'UNKNOWN_PROFILE',
  );
}

/** The profile the platform in `stateDir` was last started with, if it was. */
export function stampedProfile(stateDir: string): ProfileName | undefined {
  const file = join(stateDir, PROFILE_FILE);
  const stamped = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return stamped === 'lean' || stamped === 'full' ? stamped : undefined;
}

/**
 * The profile components start with and report against: the last one `up` stamped, else the
 * requested one, else `full`.
 */
export function activeProfile(stateDir: string): Profile {
  return PROFILES[stampedProfile(stateDir) ?? requestedProfile() ?? 'full'];
}

export function stampProfile(stateDir: string, name: ProfileName): void {
  writeFileSync(join(stateDir, PROFILE_FILE), `${name}\n`);
}
