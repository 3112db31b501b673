import { STATSD_PORT_OFFSET, type DataparkConfig } from '@datapark/config';

export const NAME = 'monitoring';

/**
 * Each exporter's port sits this far above Prometheus' (19090), which puts it on its usual port
 * with a 1 in front: node 9100 → 19100, statsd 9102/9125 → 19102/19125, Redis 9121 → 19121,
 * PostgreSQL 9187 → 19187, Kafka lag (kafka_exporter's 9308) → 19308. DATAPARK_PROMETHEUS_URL
 * moves them all together.
 */
export const EXPORTER_PORT_OFFSETS = Object.freeze({
  'node-exporter': 10,
  'statsd-exporter': 12,
  statsd: STATSD_PORT_OFFSET,
  'redis-exporter': 31,
  'postgres-exporter': 97,
  'kafka-lag-exporter': 218,
});

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Where every part of the monitoring component listens, from the configuration. */
export interface MonitoringAddresses {
  readonly prometheus: HostPort;
  readonly alertmanager: HostPort;
  readonly nodeExporter: HostPort;
  /** statsd_exporter's web port: its /metrics, Airflow's metrics. */
  readonly statsdExporter: HostPort;
  /** Where Airflow sends StatsD (UDP; TCP too). */
  readonly statsd: HostPort;
  readonly redisExporter: HostPort;
  readonly postgresExporter: HostPort;
  readonly kafkaLagExporter: HostPort;
}

const hostPortOf = (url: string): HostPort => {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 80) };
};

export function monitoringAddresses(config: DataparkConfig): MonitoringAddresses {
  const prometheus = hostPortOf(config.monitoring.prometheusUrl);
  const above = (offset: number): HostPort => ({
    host: prometheus.host,
    port: prometheus.port + offset,
  });
  return {
    prometheus,
    alertmanager: hostPortOf(config.monitoring.alertmanagerUrl),
    nodeExporter: above(EXPORTER_PORT_OFFSETS['node-exporter']),
    statsdExporter: above(EXPORTER_PORT_OFFSETS['statsd-exporter']),
    statsd: above(EXPORTER_PORT_OFFSETS.statsd),
    redisExporter: above(EXPORTER_PORT_OFFSETS['redis-exporter']),
    postgresExporter: above(EXPORTER_PORT_OFFSETS['postgres-exporter']),
    kafkaLagExporter: above(EXPORTER_PORT_OFFSETS['kafka-lag-exporter']),
  };
}

export const hostPort = (a: HostPort) => `${a.host}:${a.port}`;
