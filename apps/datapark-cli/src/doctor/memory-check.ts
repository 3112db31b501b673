import { readFileSync } from 'node:fs';
import type { ComponentStatus } from '@datapark/platform';
// eslint-disable-next-line @nx/enforce-module-boundaries -- only reached through doctor-command's await import('./run-doctor.js'), so still loaded lazily
import { type ProcessInfo, processTree } from '@datapark/platform-local';
import { type Check, checksOf, formatBytes } from './check.js';

const MiB = 2 ** 20;
/**
 * What each component takes when it runs: the RSS of its processes and their children, measured
 * on this project's machine with the platform idle (Kafka 1.7 GiB for three JVMs, Airflow 2.0
 * GiB of which the Celery worker and its pool 0.95; monitoring 0.3: Prometheus 90 MiB, the Node
 * Kafka lag exporter 95, Alertmanager 40, the four other exporters 15-20 each; Superset 0.35:
 * gunicorn's one worker 315-340 MiB after the shop dashboard, its master 27; the object store's versitygw 30-40 MiB).
 */
const TYPICAL_RSS: Readonly<Record<string, number>> = {
  postgres: 300 * MiB,
  redis: 20 * MiB,
  kafka: 1800 * MiB,
  spark: 1000 * MiB,
  airflow: 2100 * MiB,
  jupyter: 150 * MiB,
  superset: 350 * MiB,
  objectstore: 40 * MiB,
  monitoring: 300 * MiB,
};
/** Room left for work: a Spark job's driver and executor (512 MiB heap each) and a kernel. */
const WORK_ROOM = 1536 * MiB;

/** MemAvailable and MemTotal from /proc/meminfo, in bytes. */
function memInfo(): { available: number; total: number } {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { available: kib('MemAvailable') * 1024, total: kib('MemTotal') * 1024 };
}

/** The processes of the running platform: every pid `status` reports, and their children. */
export function platformProcesses(
  statuses: readonly ComponentStatus[],
  table: ReadonlyMap<number, ProcessInfo>,
): ProcessInfo[] {
  const pids = statuses.flatMap((s) => s.units.flatMap((u) => (u.pid ? [u.pid] : [])));
  return processTree(table, pids);
}

/**
 * Free memory against what the platform needs: what the running part uses (measured) and what
 * the stopped components will take when they start (typical), plus room for a job.
 */
export function memoryCheck(
  statuses: readonly ComponentStatus[],
  table: ReadonlyMap<number, ProcessInfo>,
): Check {
  const { available, total } = memInfo();
  const running = platformProcesses(statuses, table);
  const used = running.reduce((sum, p) => sum + p.rssBytes, 0);
  const stopped = statuses.filter((s) => s.state === 'stopped').map((s) => s.component);
  const needed = stopped.reduce((sum, name) => sum + (TYPICAL_RSS[name] ?? 0), 0);
  const parts = [
    `${formatBytes(available)} available of ${formatBytes(total)}`,
    running.length > 0
      ? `the running platform uses ${formatBytes(used)} (RSS of ${running.length} processes: the pids of \`status\` and their children)`
      : 'nothing of the platform runs',
    ...(stopped.length > 0
      ? [`the stopped ${stopped.join(', ')} need about ${formatBytes(needed)} more`]
      : []),
  ];
  const finding = parts.join('; ');
  const memory = checksOf('machine');
  const fix =
    'close other programs, start the lean profile (npx nx run platform:up -- --profile lean), ' +
    'or start fewer components: npx nx run platform:up -- --only postgres,kafka';
  if (available < needed) return memory.fail('memory', finding, { fix });
  if (available < needed + WORK_ROOM)
    return memory.warn(
      'memory',
      `${finding}: less than ${formatBytes(WORK_ROOM)} left for Spark jobs and notebooks`,
      { fix },
    );
  return memory.ok('memory', finding);
}
