import { loadConfig, STATSD_PORT_OFFSET, statsdAddress } from '@datapark/config';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse } from 'yaml';
import { join } from 'node:path';
import { OPERATOR, named, prometheusConfig } from './fixtures/monitoring.js';
import {
  freePort,
  get,
  goBin,
  requireExecutable,
  startDaemon,
  waitFor,
} from './fixtures/monitoring-processes.js';
import type { Daemon } from './fixtures/monitoring-processes.js';
import { podsOf } from './fixtures/pods.js';
import { CHART, ROOT, parseManifests, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// A running application's driver and executors run inside the worker pods, on ports that come and
// go, so the chart has them send their metrics with Spark's StatsdSink to a statsd-exporter
// sidecar in their pod. Here the rendered spark-defaults.conf and mapping run for real: a PySpark
// application on a local-cluster (a real master, worker and executor JVM, on loopback) sends to
// the statsd_exporter binary the chart's image pins, and the exported series are checked against
// what Spark itself reports (its status tracker, and its PrometheusServlet's names, which are the
// local platform's).

const MAPPING = join(CHART, 'charts', 'spark', 'files', 'monitoring', 'statsd-mapping.yml');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const SPARK_HOME = join(ROOT, '.venv', 'lib', 'python3.11', 'site-packages', 'pyspark');
// Spark turns whitespace into '-' in StatsD names; `#`, `,` and `[…]` would be read as tags by
// statsd_exporter's defaults, which the chart's sidecar turns off.
const APP_NAME = 'chart probe #1, [x]';
const APP_LABEL = 'chart-probe-#1,-[x]';
const STREAMING_JOB = join(ROOT, 'apps', 'spark-jobs', 'jobs', 'streaming_metrics.py');

const render = async (args: readonly string[] = []) => parseManifests(await renderYaml(args));
const sparkDefaults = (manifests: readonly Manifest[]) =>
  named(manifests, 'ConfigMap', 'dp-spark')!.data!['spark-defaults.conf']!;
/** The `spark.metrics.*` settings of the rendered spark-defaults.conf. */
const metricsSettings = (manifests: readonly Manifest[]) =>
  Object.fromEntries(
    sparkDefaults(manifests)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('spark.metrics.'))
      .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
  );
const workerContainer = (manifests: readonly Manifest[], name: string) =>
  podsOf(manifests)
    .find((p) => p.owner === 'Deployment/dp-spark-worker')!
    .spec.containers.find((c) => c.name === name);

// The application: some work, its own account of it, and its driver's PrometheusServlet names.
const JOB = `
import importlib.util, json, sys, time, urllib.request
from pyspark.sql import SparkSession, functions as F

# Master, metrics settings and name come from spark-submit and its SPARK_CONF_DIR, as on a worker.
spark = SparkSession.builder.getOrCreate()
port = int(spark.conf.get("spark.metrics.conf.driver.sink.statsd.port"))
spark.sparkContext.setLogLevel("ERROR")
spark.range(0, 200000, numPartitions=6).selectExpr("sum(id)").collect()
spark.range(0, 1000, numPartitions=3).groupBy(F.col("id") % 7).count().collect()
sc = spark.sparkContext
tracker = sc.statusTracker()
jobs = tracker.getJobIdsForGroup(None)
tasks = sum(
    tracker.getStageInfo(stage).numCompletedTasks
    for job in jobs
    for stage in tracker.getJobInfo(job).stageIds
    if tracker.getStageInfo(stage)
)
# The streaming job's own progress gauge (its ProgressToStatsd), sent where this exporter listens.
streaming_spec = importlib.util.spec_from_file_location("streaming_metrics", sys.argv[1])
streaming = importlib.util.module_from_spec(streaming_spec)
streaming_spec.loader.exec_module(streaming)
streaming.ProgressToStatsd(f"http://127.0.0.1:{port - streaming.STATSD_PORT_OFFSET}").onQueryProgress(None)
servlet = urllib.request.urlopen(sc.uiWebUrl + "/metrics/prometheus/").read().decode()
print(json.dumps({"appId": sc.applicationId, "jobs": len(jobs), "tasks": tasks,
                  "servlet": sorted({line.split("{")[0] for line in servlet.splitlines() if line and not line.startswith("#")})}))
time.sleep(3)  # two more reports of every gauge (period 1 s here), the finished tasks included
spark.stop()
`;

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The exposition text's samples and each family's TYPE. */
function parseExposition(text: string): { series: Series[]; types: Map<string, string> } {
  const series: Series[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries(
      [...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    series.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { series, types };
}

describe("the Spark applications' metrics in the chart (job spark-app)", () => {
  it('sends every driver and executor a worker runs to the statsd-exporter sidecar on the pod loopback, scraped as job spark-app', async () => {
    const manifests = await render();
    const settings = metricsSettings(manifests);
    const sidecar = workerContainer(manifests, 'statsd-exporter')!;
    expect(sidecar.image).toBe('prom/statsd-exporter:v0.31.0');
    expect(sidecar.args).toContain('--statsd.listen-udp=127.0.0.1:19125');
    // The SDK's default StatsD address (no endpoints file, no DATAPARK_* variable, as in a worker
    // pod), where the streaming job sends its progress: the sidecar takes that too.
    const empty = mkdtempSync(join(tmpdir(), 'datapark-no-state-'));
    expect(statsdAddress(loadConfig({ env: {}, cwd: empty }))).toEqual({
      host: '127.0.0.1',
      port: 19125,
    });
    // The Python SDK's, which the streaming job reads (its Prometheus URL's port + 35).
    const sdk = await execa(
      PYTHON,
      [
        '-c',
        'from datapark_sdk.config import load_config; print(load_config().monitoring.prometheus_url)',
      ],
      { cwd: empty, env: { PATH: '/usr/bin:/bin' }, extendEnv: false },
    );
    expect(Number(new URL(sdk.stdout.trim()).port) + STATSD_PORT_OFFSET).toBe(19125);
    // Application names may hold what statsd_exporter would otherwise read as tags.
    expect(sidecar.args).toEqual(
      expect.arrayContaining([
        '--no-statsd.parse-influxdb-tags',
        '--no-statsd.parse-librato-tags',
        '--no-statsd.parse-signalfx-tags',
      ]),
    );
    for (const instance of ['driver', 'executor']) {
      expect(settings).toMatchObject({
        [`spark.metrics.conf.${instance}.sink.statsd.class`]:
          'org.apache.spark.metrics.sink.StatsdSink',
        [`spark.metrics.conf.${instance}.sink.statsd.host`]: '127.0.0.1',
        [`spark.metrics.conf.${instance}.sink.statsd.port`]: '19125',
        [`spark.metrics.conf.${instance}.sink.statsd.period`]: '10',
      });
    }
    expect(settings['spark.metrics.namespace']).toBe('${spark.app.name}-${spark.app.id}');
    // The sidecar's mapping is the chart's file, mounted from its ConfigMap.
    expect(named(manifests, 'ConfigMap', 'dp-spark-worker-statsd')!.data).toEqual({
      'statsd-mapping.yml': readFileSync(MAPPING, 'utf8'),
    });
    // Prometheus's job spark-app: the workers' sidecar port, metrics_datapark_* only.
    const job = prometheusConfig(manifests).scrape_configs.find((s) => s.job_name === 'spark-app');
    expect(JSON.stringify(job?.relabel_configs)).toContain('"regex":"metrics"');
    expect(job?.metric_relabel_configs).toEqual([
      {
        source_labels: ['__name__'],
        regex: '(metrics_datapark|datapark_streaming)_.*',
        action: 'keep',
      },
    ]);
    // Where the Prometheus Operator runs, a PodMonitor of the same job instead.
    const monitor = named(
      await render([...OPERATOR]),
      'PodMonitor',
      'dp-spark-worker-applications',
    );
    expect(monitor?.spec).toMatchObject({
      podMetricsEndpoints: [
        {
          port: 'metrics',
          path: '/metrics',
          relabelings: expect.arrayContaining([
            { action: 'replace', targetLabel: 'job', replacement: 'spark-app' },
          ]),
          metricRelabelings: [
            {
              action: 'keep',
              sourceLabels: ['__name__'],
              regex: '(metrics_datapark|datapark_streaming)_.*',
            },
          ],
        },
      ],
    });
  });

  it('leaves the sidecar, the sinks and the job out with metrics.applications.enabled=false, and keeps the local namespace', async () => {
    const manifests = await render(['--set', 'spark.metrics.applications.enabled=false']);
    expect(workerContainer(manifests, 'statsd-exporter')).toBeUndefined();
    expect(sparkDefaults(manifests)).not.toContain('StatsdSink');
    expect(metricsSettings(manifests)['spark.metrics.namespace']).toBe('datapark');
    expect(named(manifests, 'ConfigMap', 'dp-spark-worker-statsd')).toBeUndefined();
    // The job stays, as every job of a component that is off, and finds no port named metrics.
    expect(
      JSON.stringify(podsOf(manifests).find((p) => p.owner === 'Deployment/dp-spark-worker')!.spec),
    ).not.toContain('"name":"metrics"');
    expect(
      named(
        await render([...OPERATOR, '--set', 'spark.metrics.applications.enabled=false']),
        'PodMonitor',
        'dp-spark-worker-applications',
      ),
    ).toBeUndefined();
  });

  describe('a real application through the rendered settings and mapping', () => {
    let exporter: Daemon;
    let metricsUrl: string;
    let run: { appId: string; jobs: number; tasks: number; servlet: string[] };

    beforeAll(async () => {
      const statsdExporter = requireExecutable(
        'statsd_exporter',
        'build it with `bash tools/ci/monitoring.sh`',
        [goBin()],
      );
      if (!existsSync(PYTHON))
        throw new Error(`${PYTHON} not found: create the venv with \`bash tools/ci/setup.sh\``);
      const manifests = await render();
      const dir = mkdtempSync(join(tmpdir(), 'datapark-spark-app-metrics-'));
      const mapping = join(dir, 'statsd-mapping.yml');
      writeFileSync(
        mapping,
        named(manifests, 'ConfigMap', 'dp-spark-worker-statsd')!.data!['statsd-mapping.yml']!,
      );
      const [webPort, statsdPort] = [await freePort(), await freePort()];
      // The sidecar's own flags as rendered, on this test's ports and mapping file.
      const sidecarArgs = workerContainer(manifests, 'statsd-exporter')!.args!.filter(
        (arg) => !/^--(web\.listen-address|statsd\.listen-udp|statsd\.mapping-config)=/.test(arg),
      );
      exporter = startDaemon(
        statsdExporter,
        [
          `--web.listen-address=127.0.0.1:${webPort}`,
          `--statsd.listen-udp=127.0.0.1:${statsdPort}`,
          `--statsd.mapping-config=${mapping}`,
          ...sidecarArgs,
        ],
        'statsd-exporter',
      );
      metricsUrl = `http://127.0.0.1:${webPort}/metrics`;
      await waitFor(
        'statsd_exporter ready',
        async () =>
          (await get(`http://127.0.0.1:${webPort}/-/ready`)).status === 200 ? true : undefined,
        exporter,
      );
      // The workers' spark-defaults.conf as rendered, its spark.metrics.* lines with this test's
      // exporter port and a 1 s period, in the SPARK_CONF_DIR spark-submit reads, as a REST-
      // submitted PySpark job's SparkSubmit reads the worker's.
      const settings: Record<string, string> = {
        ...metricsSettings(manifests),
        'spark.metrics.conf.driver.sink.statsd.port': String(statsdPort),
        'spark.metrics.conf.executor.sink.statsd.port': String(statsdPort),
        'spark.metrics.conf.driver.sink.statsd.period': '1',
        'spark.metrics.conf.executor.sink.statsd.period': '1',
      };
      const conf = join(dir, 'conf');
      mkdirSync(conf);
      writeFileSync(
        join(conf, 'spark-defaults.conf'),
        Object.entries(settings)
          .map(([key, value]) => `${key} ${value}\n`)
          .join(''),
      );
      const script = join(dir, 'probe.py');
      writeFileSync(script, JOB);
      const result = await execa(
        join(SPARK_HOME, 'bin', 'spark-submit'),
        [
          ...['--master', 'local-cluster[1,1,512]', '--name', APP_NAME],
          ...['--conf', 'spark.executor.memory=512m', '--conf', 'spark.ui.port=0'],
          ...['--conf', 'spark.ui.showConsoleProgress=false'],
          script,
          STREAMING_JOB,
        ],
        {
          // Master, worker, executor and driver on loopback only.
          env: {
            SPARK_HOME,
            SPARK_CONF_DIR: conf,
            SPARK_LOCAL_IP: '127.0.0.1',
            PYSPARK_PYTHON: PYTHON,
            PYSPARK_DRIVER_PYTHON: PYTHON,
          },
          reject: false,
          timeout: 240_000,
        },
      );
      if (result.exitCode !== 0)
        throw new Error(`the PySpark application failed:\n${result.stderr.slice(-4000)}`);
      run = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    }, 300_000);

    afterAll(async () => {
      await exporter?.stop();
    });

    const scrape = async () => parseExposition((await get(metricsUrl)).body);
    const ofApp = (series: Series[], name: string, labels: Record<string, string> = {}) =>
      series.find(
        (s) =>
          s.name === name &&
          s.labels.app_id === run.appId &&
          Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );

    it("exports the driver's and the executor's gauges with the application in the labels, agreeing with Spark's own account", async () => {
      const { series } = await waitFor(
        'the executor reported every finished task',
        async () => {
          const scraped = await scrape();
          const done = ofApp(
            scraped.series,
            'metrics_datapark_executor_executor_threadpool_completeTasks_Value',
            { executor_id: '0' },
          );
          return done?.value === run.tasks ? scraped : undefined;
        },
        exporter,
      );
      expect(run.tasks).toBeGreaterThan(6);
      expect(ofApp(series, 'metrics_datapark_driver_DAGScheduler_job_allJobs_Value')?.value).toBe(
        run.jobs,
      );
      expect(
        ofApp(series, 'metrics_datapark_driver_DAGScheduler_job_activeJobs_Value')?.value,
      ).toBe(0);
      expect(
        ofApp(series, 'metrics_datapark_executor_JVMCPU_jvmCpuTime_Value', { executor_id: '0' })
          ?.value,
      ).toBeGreaterThan(0);
      expect(
        ofApp(series, 'metrics_datapark_driver_JVMCPU_jvmCpuTime_Value')?.value,
      ).toBeGreaterThan(0);
      // Every series of the application carries its name as Spark gives it to the namespace.
      const mine = series.filter((s) => s.name.startsWith('metrics_datapark_'));
      expect(mine.length).toBeGreaterThan(50);
      expect(new Set(mine.map((s) => `${s.labels.app_name} ${s.labels.app_id}`))).toEqual(
        new Set([`${APP_LABEL} ${run.appId}`]),
      );
    });

    it("names the driver's series as the local platform's PrometheusServlet does", async () => {
      const { series } = await scrape();
      // The servlet's names start with the namespace (here the application); the local platform's
      // namespace is `datapark`.
      const prefix = `metrics_${`${APP_NAME}-${run.appId}`.replace(/[^a-zA-Z0-9]/g, '_')}_driver_`;
      const servlet = new Set(
        run.servlet
          .filter((name) => name.startsWith(prefix))
          .map((name) => `metrics_datapark_driver_${name.slice(prefix.length)}`),
      );
      const driver = [
        ...new Set(
          series.filter((s) => s.name.startsWith('metrics_datapark_driver_')).map((s) => s.name),
        ),
      ];
      expect(driver.length).toBeGreaterThan(30);
      expect(driver.filter((name) => !servlet.has(name))).toEqual([]);
    });

    it("takes the streaming job's progress gauge as it is, for StreamingJobNotRunning, with no expiry", async () => {
      const { series, types } = await scrape();
      const progress = series.find(
        (s) => s.name === 'datapark_streaming_last_batch_timestamp_seconds',
      );
      expect(progress?.labels).toEqual({ query: 'streaming_metrics' });
      expect(progress!.value).toBeGreaterThan(Date.now() / 1000 - 600);
      expect(types.get('datapark_streaming_last_batch_timestamp_seconds')).toBe('gauge');
      const rule = (
        parse(readFileSync(MAPPING, 'utf8')) as { mappings: { name: string; ttl?: string }[] }
      ).mappings.find((m) => m.name.startsWith('datapark_streaming_'));
      expect(rule).toBeDefined();
      expect(rule!.ttl).toBeUndefined();
    });

    it("keeps only gauges: Spark's running counter totals and histogram snapshots would be summed or observed as events", async () => {
      const { types } = await scrape();
      const families = [...types].filter(([name]) => name.startsWith('metrics_datapark_'));
      expect(families.length).toBeGreaterThan(50);
      expect(families.filter(([, type]) => type !== 'gauge')).toEqual([]);
      // Every StatsD line was mapped or dropped by a rule: none exported under its raw name.
      const { series } = await scrape();
      expect(series.find((s) => s.name === 'statsd_exporter_events_unmapped_total')?.value).toBe(0);
      expect(
        series.find(
          (s) => s.name === 'statsd_exporter_events_actions_total' && s.labels.action === 'drop',
        )?.value,
      ).toBeGreaterThan(0);
    });
  });
});
