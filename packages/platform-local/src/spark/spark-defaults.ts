import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { DRIVER_MEMORY } from '@datapark/spark-client';
import { hostPort } from './addresses.js';
import { connectorJarsDir } from './installation.js';

/**
 * The settings every Spark process reads (SPARK_CONF_DIR/spark-defaults.conf, mode 0600): REST
 * submission on and signed (JWSFilter), event logs for the history server, the connector jars on
 * every classpath, small memory.
 */
function sparkDefaults(ctx: ComponentContext): string {
  const rest = hostPort(ctx.config.spark.restUrl);
  const history = hostPort(ctx.config.spark.historyUrl);
  const python = join(ctx.workspaceRoot, '.venv', 'bin', 'python');
  const jars = `${connectorJarsDir(ctx)}/*`;
  const events = `file://${join(ctx.dir, 'events')}`;
  return [
    '# Written by the Data Park local platform.',
    `spark.master ${ctx.config.spark.masterUrl}`,
    'spark.master.rest.enabled true',
    `spark.master.rest.host ${rest.host}`,
    `spark.master.rest.port ${rest.port}`,
    // The REST server runs any code for whoever reaches it: only requests signed with this key
    // pass (Spark 4's JWSFilter). Spark redacts the key in UIs and event logs, as it does every
    // key whose name holds "secret" (spark.redaction.regex).
    'spark.master.rest.filters org.apache.spark.ui.JWSFilter',
    `spark.org.apache.spark.ui.JWSFilter.param.secretKey ${ctx.config.spark.restSecret}`,
    // Drivers (client mode here, cluster mode on a worker) and their block managers listen on
    // loopback only; SPARK_LOCAL_IP below does the same for every web UI.
    'spark.driver.host 127.0.0.1',
    'spark.driver.bindAddress 127.0.0.1',
    'spark.eventLog.enabled true',
    `spark.eventLog.dir ${events}`,
    `spark.history.fs.logDirectory ${events}`,
    `spark.history.ui.port ${history.port}`,
    'spark.history.fs.update.interval 2s',
    `spark.driver.extraClassPath ${jars}`,
    `spark.executor.extraClassPath ${jars}`,
    // What spark-submit's drivers take; a REST-started driver takes the request's, which the
    // clients fill with the same DRIVER_MEMORY (else Spark's 1024 MiB).
    `spark.driver.memory ${DRIVER_MEMORY}`,
    'spark.executor.memory 512m',
    // Executors (and drivers spark-submit starts here) run C1 only: start-up, not peak speed,
    // is what our short jobs on two shared cores wait for. Measured (issue 16, a tiny job over
    // REST, driver and executor both C1, load average 11-15): first job done 12-22 s instead
    // of 37-45 s. REST drivers get it from the request (@datapark/spark-client's pythonRequest).
    'spark.driver.extraJavaOptions -XX:TieredStopAtLevel=1',
    'spark.executor.extraJavaOptions -XX:TieredStopAtLevel=1',
    'spark.executor.cores 1',
    'spark.cores.max 1',
    'spark.sql.shuffle.partitions 4',
    'spark.ui.showConsoleProgress false',
    `spark.pyspark.python ${python}`,
    `spark.pyspark.driver.python ${python}`,
    // Prometheus metrics on the web UIs (no extra port): the master at
    // /metrics/master/prometheus (workers, apps) and /metrics/applications/prometheus, each
    // worker at /metrics/prometheus, each driver at /metrics/prometheus with its executors at
    // /metrics/executors/prometheus. https://spark.apache.org/docs/latest/monitoring.html
    'spark.ui.prometheus.enabled true',
    'spark.metrics.conf.*.sink.prometheusServlet.class org.apache.spark.metrics.sink.PrometheusServlet',
    'spark.metrics.conf.*.sink.prometheusServlet.path /metrics/prometheus',
    'spark.metrics.conf.master.sink.prometheusServlet.path /metrics/master/prometheus',
    'spark.metrics.conf.applications.sink.prometheusServlet.path /metrics/applications/prometheus',
    // A driver's metric names start with the namespace, by default the application id
    // (metrics_app_20261205073644_0000_driver_…): one fixed name instead, so a query spans runs;
    // the application is in the labels its scrape target carries (app_id, app_name; the Python
    // SDK's announce_to_prometheus, job spark-app).
    'spark.metrics.namespace datapark',
    // Finished drivers' work dirs are cleaned after a day: a learner's disk stays small.
    'spark.worker.cleanup.enabled true',
    'spark.worker.cleanup.appDataTtl 86400',
    '',
  ].join('\n');
}

/** Writes conf/spark-defaults.conf (0600: it holds the REST key) and the event-log directory. */
export function writeSparkDefaults(ctx: ComponentContext): void {
  mkdirSync(join(ctx.dir, 'conf'), { recursive: true });
  mkdirSync(join(ctx.dir, 'events'), { recursive: true });
  const defaults = join(ctx.dir, 'conf', 'spark-defaults.conf');
  writeFileSync(defaults, sparkDefaults(ctx), { mode: 0o600 });
  chmodSync(defaults, 0o600); // a file from before the key was there may be 0644
}
