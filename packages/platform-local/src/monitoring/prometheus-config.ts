import { join } from 'node:path';
import { scrapeTargetsDir } from '@datapark/config';
import type { ComponentContext } from '@datapark/platform';
import { jmxExporterPort } from '../kafka/jmx-exporter.js';
import { kafkaNodes } from '../kafka/nodes.js';
import { activeProfile } from '../profile.js';
import { sparkWorkerNumbers, workerUiPort } from '../spark/units.js';
import { hostPort, monitoringAddresses } from './addresses.js';
import type { MonitoringFiles } from './files.js';

/** How often Prometheus scrapes and evaluates rules: sized for a laptop. */
export const SCRAPE_INTERVAL = '15s';
/** How long Prometheus keeps samples, and at most how much disk. */
export const RETENTION = { time: '2d', size: '512MB' } as const;
/**
 * How soon Prometheus sends a firing alert to Alertmanager again (its default is a minute): the
 * evaluation interval, so an alert that fires anew reaches Alertmanager within seconds.
 */
export const ALERT_RESEND_DELAY = SCRAPE_INTERVAL;

interface StaticTarget {
  readonly targets: string[];
  readonly labels?: Record<string, string>;
}

export interface ScrapeConfig {
  readonly job_name: string;
  readonly metrics_path?: string;
  readonly scrape_interval?: string;
  readonly basic_auth?: { username: string; password_file: string };
  readonly authorization?: { type: string; credentials_file: string };
  readonly static_configs?: StaticTarget[];
  /** Which of the scraped series to keep (the StatsD jobs split one exporter by prefix). */
  readonly metric_relabel_configs?: {
    source_labels: string[];
    regex: string;
    action: 'keep' | 'drop';
  }[];
  /** Targets our own processes announce while they run (file_sd: Prometheus watches the files). */
  readonly file_sd_configs?: { files: string[]; refresh_interval?: string }[];
}

/** Metric-name prefixes in statsd_exporter that are not Airflow's, and the job each goes to (the chart's scrape jobs split them the same way: charts/test/prometheus-in-chart.test.ts). */
export const STATSD_JOBS = { versitygw: 'objectstore', superset: 'superset' } as const;
const STATSD_PREFIXES = Object.keys(STATSD_JOBS) as (keyof typeof STATSD_JOBS)[];

const target = (address: string, unit: string): StaticTarget => ({
  targets: [address],
  labels: { unit },
});

/**
 * Every scrape target of the local platform, one job per kind of process, each target labelled
 * with the unit (`datapark stop <unit>`) it belongs to.
 */
export function scrapeConfigs(
  ctx: ComponentContext,
  files: Pick<MonitoringFiles, 'passwordFile' | 'jupyterTokenFile'>,
): ScrapeConfig[] {
  const a = monitoringAddresses(ctx.config);
  const basicAuth = { username: ctx.config.monitoring.username, password_file: files.passwordFile };
  const sparkUi = new URL(ctx.config.spark.uiUrl);
  const jupyter = new URL(ctx.config.jupyter.url);
  return [
    {
      job_name: 'prometheus',
      basic_auth: basicAuth,
      static_configs: [target(hostPort(a.prometheus), 'prometheus')],
    },
    {
      job_name: 'alertmanager',
      basic_auth: basicAuth,
      static_configs: [target(hostPort(a.alertmanager), 'alertmanager')],
    },
    { job_name: 'node', static_configs: [target(hostPort(a.nodeExporter), 'node-exporter')] },
    {
      job_name: 'postgres',
      static_configs: [target(hostPort(a.postgresExporter), 'postgres-exporter')],
    },
    { job_name: 'redis', static_configs: [target(hostPort(a.redisExporter), 'redis-exporter')] },
    {
      job_name: 'kafka',
      static_configs: kafkaNodes(ctx).map((node) =>
        target(`${node.host}:${jmxExporterPort(node)}`, node.unit),
      ),
    },
    {
      job_name: 'kafka-lag',
      static_configs: [target(hostPort(a.kafkaLagExporter), 'kafka-lag-exporter')],
    },
    {
      job_name: 'spark-master',
      metrics_path: '/metrics/master/prometheus/',
      static_configs: [target(sparkUi.host, 'spark-master')],
    },
    {
      job_name: 'spark-worker',
      metrics_path: '/metrics/prometheus/',
      static_configs: sparkWorkerNumbers(activeProfile(ctx.stateDir)).map((n) =>
        target(`${sparkUi.hostname}:${workerUiPort(ctx, n)}`, `spark-worker-${n}`),
      ),
    },
    // The StatsD metrics statsd_exporter serves (monitoring/statsd-mapping.yml), one job per
    // component that sends them, split by name: the object store's (versitygw_*), Superset's
    // (superset_*) and the rest to `airflow` (Airflow's, the ETL driver's datapark_* and the
    // exporter's own). Their `up` is the exporter's: a stopped sender shows as missing series.
    {
      job_name: 'airflow',
      static_configs: [target(hostPort(a.statsdExporter), 'statsd-exporter')],
      metric_relabel_configs: [
        { source_labels: ['__name__'], regex: `(${STATSD_PREFIXES.join('|')})_.*`, action: 'drop' },
      ],
    },
    ...STATSD_PREFIXES.map((prefix): ScrapeConfig => ({
      job_name: STATSD_JOBS[prefix],
      static_configs: [target(hostPort(a.statsdExporter), 'statsd-exporter')],
      metric_relabel_configs: [
        { source_labels: ['__name__'], regex: `${prefix}_.*`, action: 'keep' },
      ],
    })),
    // Our own processes that come and go (ingest): each writes ingest-<pid>-<port>.json into
    // the targets directory while it runs (scrapeTargetsDir of @datapark/config).
    {
      job_name: 'ingest',
      // Prometheus watches the directory (it must exist when Prometheus starts: the component
      // creates it) and rereads it every 15 s besides.
      file_sd_configs: [
        { files: [join(scrapeTargetsDir(ctx.config), 'ingest-*.json')], refresh_interval: '15s' },
      ],
    },
    // Running Spark applications: each announces its driver's UI (the Python SDK's
    // announce_to_prometheus) as spark-<jvm pid>-<port>.json, two targets with their own
    // __metrics_path__: the driver's metrics (endpoint="driver") and its executors'
    // (endpoint="executors"), labelled app_id and app_name. The first request to the executors'
    // endpoint starts Spark's REST layer (seconds under load): a first scrape may time out.
    {
      job_name: 'spark-app',
      file_sd_configs: [
        { files: [join(scrapeTargetsDir(ctx.config), 'spark-*.json')], refresh_interval: '15s' },
      ],
    },
    // jupyter_server's own /metrics wants the token: `Authorization: token …`.
    {
      job_name: 'jupyter',
      authorization: { type: 'token', credentials_file: files.jupyterTokenFile },
      static_configs: [target(jupyter.host, 'jupyter')],
    },
  ];
}

/** prometheus.yml: the scrape targets, the rules, and Alertmanager behind its basic auth. */
export function prometheusConfig(
  ctx: ComponentContext,
  files: Pick<MonitoringFiles, 'passwordFile' | 'jupyterTokenFile' | 'rulesDir'>,
) {
  const a = monitoringAddresses(ctx.config);
  return {
    global: {
      scrape_interval: SCRAPE_INTERVAL,
      scrape_timeout: '10s',
      evaluation_interval: SCRAPE_INTERVAL,
      external_labels: { platform: 'datapark-local' },
    },
    rule_files: [`${files.rulesDir}/*.rules.yml`],
    alerting: {
      alertmanagers: [
        {
          basic_auth: {
            username: ctx.config.monitoring.username,
            password_file: files.passwordFile,
          },
          static_configs: [{ targets: [hostPort(a.alertmanager)] }],
        },
      ],
    },
    scrape_configs: scrapeConfigs(ctx, files),
  };
}

/**
 * alertmanager.yml: every alert to one receiver with no notifier, so alerts are seen in
 * Alertmanager's UI and API (and `datapark status`) and nothing leaves the machine.
 */
export function alertmanagerConfig() {
  return {
    route: {
      receiver: 'platform',
      group_by: ['alertname', 'job'],
      group_wait: '10s',
      group_interval: '1m',
      repeat_interval: '4h',
    },
    receivers: [{ name: 'platform' }],
  };
}
