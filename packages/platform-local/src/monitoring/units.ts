import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentContext } from '@datapark/platform';
import { PlatformError, PrerequisiteError } from '@datapark/platform';
import { requireExecutable } from '../prerequisites.js';
import { hostPort, monitoringAddresses, NAME, type HostPort } from './addresses.js';
import type { MonitoringFiles } from './files.js';
import { monitorDataSource } from './postgres-role.js';
import { ALERT_RESEND_DELAY, RETENTION } from './prometheus-config.js';

/** One process of the monitoring component: what runs, where it listens, what it needs. */
export interface MonitoringUnit {
  readonly unit: string;
  /** What the port is for, for `doctor` and the README. */
  readonly purpose: string;
  /** Where it listens; the variable that moves it. */
  readonly address: (ctx: ComponentContext) => HostPort;
  readonly variable: string;
  /** The executable, or a PrerequisiteError naming where it comes from. */
  readonly command: (ctx: ComponentContext) => string;
  readonly args: (ctx: ComponentContext, files: MonitoringFiles) => string[];
  /** Secrets go here, not on the command line where `ps` shows them. */
  readonly env?: (ctx: ComponentContext) => Record<string, string>;
}

const goBin = () => join(process.env['GOPATH']?.split(':')[0] ?? join(homedir(), 'go'), 'bin');
const fromGo = (name: string) =>
  requireExecutable(
    NAME,
    name,
    {
      command:
        'bash tools/ci/monitoring.sh (builds it with Go 1.25 or newer), or leave monitoring out: npx nx run platform:up -- --without monitoring',
    },
    [goBin()],
  );
const fromDebian = (name: string, debianPackage = name) =>
  requireExecutable(NAME, name, { debianPackage });

/** The kafka-lag-exporter's entry point in this package's build. */
export function kafkaLagExporterMain(): string {
  // src/monitoring/units.ts (under ts-jest) or dist/monitoring/units.js: the build is in dist.
  const here = dirname(fileURLToPath(import.meta.url));
  const packageRoot = join(here, '..', '..');
  return join(packageRoot, 'dist', 'monitoring', 'kafka-lag', 'main.js');
}

const url = (a: HostPort) => `http://${hostPort(a)}/`;

export const MONITORING_UNITS: readonly MonitoringUnit[] = [
  {
    unit: 'prometheus',
    purpose: 'Prometheus UI and API',
    address: (ctx) => monitoringAddresses(ctx.config).prometheus,
    variable: 'DATAPARK_PROMETHEUS_URL',
    command: () => fromDebian('prometheus'),
    args: (ctx, files) => {
      const a = monitoringAddresses(ctx.config).prometheus;
      return [
        `--config.file=${files.prometheusConfig}`,
        `--storage.tsdb.path=${files.prometheusData}`,
        `--storage.tsdb.retention.time=${RETENTION.time}`,
        `--storage.tsdb.retention.size=${RETENTION.size}`,
        `--web.listen-address=${hostPort(a)}`,
        `--web.config.file=${files.webConfig}`,
        `--web.external-url=${url(a)}`,
        // The dashboards: console templates Prometheus serves at /consoles/ (read per request).
        `--web.console.templates=${files.consoles}`,
        `--web.console.libraries=${files.consoleLibraries}`,
        // An alert that fires anew (a poison record while DeadLettersArriving fires already)
        // shows in Alertmanager within seconds, not up to a minute later.
        `--rules.alert.resend-delay=${ALERT_RESEND_DELAY}`,
      ];
    },
  },
  {
    unit: 'alertmanager',
    purpose: 'Alertmanager UI and API',
    address: (ctx) => monitoringAddresses(ctx.config).alertmanager,
    variable: 'DATAPARK_ALERTMANAGER_URL',
    command: () => fromGo('alertmanager'),
    args: (ctx, files) => {
      const a = monitoringAddresses(ctx.config).alertmanager;
      return [
        `--config.file=${files.alertmanagerConfig}`,
        `--storage.path=${files.alertmanagerData}`,
        `--web.listen-address=${hostPort(a)}`,
        `--web.config.file=${files.webConfig}`,
        `--web.external-url=${url(a)}`,
        // One Alertmanager: no gossip port (it would bind every interface).
        '--cluster.listen-address=',
        '--data.retention=24h',
      ];
    },
  },
  {
    unit: 'node-exporter',
    purpose: 'host metrics (CPU, memory, disk)',
    address: (ctx) => monitoringAddresses(ctx.config).nodeExporter,
    variable: 'DATAPARK_PROMETHEUS_URL',
    command: () => fromDebian('prometheus-node-exporter'),
    args: (ctx) => [
      `--web.listen-address=${hostPort(monitoringAddresses(ctx.config).nodeExporter)}`,
    ],
  },
  {
    unit: 'postgres-exporter',
    purpose: 'PostgreSQL metrics',
    address: (ctx) => monitoringAddresses(ctx.config).postgresExporter,
    variable: 'DATAPARK_PROMETHEUS_URL',
    command: () => fromDebian('prometheus-postgres-exporter'),
    args: (ctx) => [
      `--web.listen-address=${hostPort(monitoringAddresses(ctx.config).postgresExporter)}`,
    ],
    env: (ctx) => ({ DATA_SOURCE_NAME: monitorDataSource(ctx.config, monitorPassword(ctx)) }),
  },
  {
    unit: 'redis-exporter',
    purpose: 'Redis metrics',
    address: (ctx) => monitoringAddresses(ctx.config).redisExporter,
    variable: 'DATAPARK_PROMETHEUS_URL',
    command: () => fromDebian('prometheus-redis-exporter'),
    args: (ctx) => [
      `-redis.addr=redis://${ctx.config.redis.host}:${ctx.config.redis.port}`,
      `-web.listen-address=${hostPort(monitoringAddresses(ctx.config).redisExporter)}`,
    ],
    env: (ctx) => ({ REDIS_PASSWORD: ctx.config.redis.password ?? '' }),
  },
  {
    unit: 'statsd-exporter',
    purpose: "Airflow's metrics (StatsD in, Prometheus out)",
    address: (ctx) => monitoringAddresses(ctx.config).statsdExporter,
    variable: 'DATAPARK_PROMETHEUS_URL',
    command: () => fromGo('statsd_exporter'),
    args: (ctx, files) => {
      const a = monitoringAddresses(ctx.config);
      return [
        `--web.listen-address=${hostPort(a.statsdExporter)}`,
        `--statsd.listen-udp=${hostPort(a.statsd)}`,
        `--statsd.listen-tcp=${hostPort(a.statsd)}`,
        `--statsd.mapping-config=${files.statsdMapping}`,
      ];
    },
  },
  {
    unit: 'kafka-lag-exporter',
    purpose: 'Kafka consumer-group lag and partition offsets',
    address: (ctx) => monitoringAddresses(ctx.config).kafkaLagExporter,
    variable: 'DATAPARK_PROMETHEUS_URL',
    command: () => process.execPath,
    args: (ctx) => {
      const main = kafkaLagExporterMain();
      if (!existsSync(main))
        throw new PrerequisiteError(
          `the Kafka lag exporter is not built (${main})`,
          NAME,
          'npx nx run platform-local:build',
        );
      const a = monitoringAddresses(ctx.config).kafkaLagExporter;
      return [main, a.host, String(a.port)];
    },
    env: (ctx) => ({ DATAPARK_STATE_DIR: ctx.stateDir }),
  },
];

/** The exporter role's password, or an error saying to start the component. */
function monitorPassword(ctx: ComponentContext): string {
  const password = ctx.config.monitoring.postgresPassword;
  if (!password)
    throw new PlatformError(
      'the PostgreSQL exporter has no password yet',
      NAME,
      'npx nx run platform:up -- --only monitoring',
    );
  return password;
}

/** The extra port statsd_exporter listens on (StatsD, UDP and TCP), beside its web port. */
export const statsdAddress = (ctx: ComponentContext) => monitoringAddresses(ctx.config).statsd;
