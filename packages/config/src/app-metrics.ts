import { join } from 'node:path';
import type { DataparkConfig } from './load-config.js';

/**
 * StatsD's port sits this far above Prometheus' (19090 + 35 = 19125, statsd_exporter's usual
 * 9125 with a 1 in front): DATAPARK_PROMETHEUS_URL moves it with the rest of the monitoring ports.
 */
export const STATSD_PORT_OFFSET = 35;

/**
 * Where the monitoring component's statsd_exporter takes StatsD (UDP): Airflow sends its metrics
 * there, and the short-lived processes of the ETL driver (quality checks) their results.
 */
export function statsdAddress(config: DataparkConfig): { host: string; port: number } {
  const prometheus = new URL(config.monitoring.prometheusUrl);
  return {
    host: prometheus.hostname,
    port: Number(prometheus.port || 80) + STATSD_PORT_OFFSET,
  };
}

/**
 * The directory Prometheus discovers our own processes' /metrics endpoints in (file_sd): a
 * process that serves metrics (ingest) writes `<job>-<pid>.json` there while it runs.
 */
export function scrapeTargetsDir(config: Pick<DataparkConfig, 'stateDir'>): string {
  return join(config.stateDir, 'monitoring', 'targets');
}
