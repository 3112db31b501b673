import type { HealthInfo } from './types.js';

/**
 * The parts of Airflow a health document calls anything but healthy, each with its last
 * heartbeat when it has one: `['scheduler (last heartbeat 2026-11-25T11:49:17+00:00)']`.
 *
 * @example
 * ```ts
 * const bad = unhealthyWithLastHeartbeat(await client.monitor.health());
 * if (bad.length) console.warn(`Airflow: ${bad.join(', ')}`);
 * ```
 */
export function unhealthyWithLastHeartbeat(health: HealthInfo): string[] {
  return Object.entries(health).flatMap(([part, info]) => {
    if (!info || typeof info !== 'object' || info.status === 'healthy') return [];
    const beat = Object.entries(info).find(([key]) => key.endsWith('_heartbeat'))?.[1];
    return [`${part}${beat ? ` (last heartbeat ${String(beat)})` : ''}`];
  });
}
