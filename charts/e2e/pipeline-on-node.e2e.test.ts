/**
 * The pipeline in the cluster (issue 23): charts/datapark installed with the local-images profile
 * on the one-node cluster of tools/ci/kube-node.sh (a real kubelet, containerd, CoreDNS,
 * kube-router), then driven from this machine exactly as a user drives a cluster, through the
 * CLI and its port-forwards: the generator's backfill into Kafka and PostgreSQL, ingest into
 * `raw`, the batch DAG in the cluster's Airflow (its Celery worker submits the Spark job to the
 * cluster's master), the quality checks; `k8s status` throughout, and `k8s uninstall --purge`
 * leaving nothing behind.
 *
 * `npx nx run charts:e2e` (as root: the node needs network namespaces and cgroups). Not part of
 * `npm test`: the forwards take the local platform's ports (stop it first), and a run takes
 * about 8 minutes on two cores. docs/kubernetes.md keeps its last figures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  PolicyV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { execa } from 'execa';
import { sql } from 'kysely';
import { CONFIG_KEYS, loadConfig } from '@datapark/config';
import { createDb } from '@datapark/db';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE_SCRIPT = join(ROOT, 'tools', 'ci', 'kube-node.sh');
const IMAGES = join(ROOT, 'tools', 'ci', 'images.sh');
const CLI = join(ROOT, 'apps', 'datapark-cli', 'dist', 'cli.js');
const ETL = join(ROOT, 'apps', 'etl-driver', 'dist', 'cli.js');
const GENERATOR = join(ROOT, 'apps', 'event-generator', 'dist', 'cli.js');
const PROFILE = join(ROOT, 'charts', 'datapark', 'ci', 'local-images-values.yaml');
/** What the pipeline needs, each from the image tools/ci/images.sh builds. */
const IMAGE_NAMES = [
  'postgresql',
  'kafka',
  'spark',
  'airflow',
  'redis',
  'statsd-exporter',
  'objectstore',
  // The monitoring's, which only this test uses (`images.sh --e2e`; it builds them if missing).
  'prometheus',
  'alertmanager',
  'node-exporter',
  'postgres-exporter',
  'redis-exporter',
];
const NAMESPACE = 'datapark';
const RELEASE = 'dp';
/** Where `kube-node.sh build` puts kubelet and the rest (its KUBE_VERSION, its DATAPARK_KUBE_BIN). */
function kubeBinDir(): string {
  const version = /^KUBE_VERSION=(\S+)/m.exec(readFileSync(NODE_SCRIPT, 'utf8'))?.[1];
  return (
    process.env['DATAPARK_KUBE_BIN'] ??
    join(homedir(), '.cache', 'datapark', `kube-${version}`, 'bin')
  );
}
/** DATAPARK_* variables of this shell the children keep: where the tools and images are. */
const KEPT_ENV = ['DATAPARK_HELM', 'DATAPARK_KUBE_BIN', 'DATAPARK_IMAGES_DIR'];

/** The local platform's ports the forwards take (@datapark/config's defaults). */
function forwardedPorts(): number[] {
  const port = (key: string) => {
    const value = String(CONFIG_KEYS[key]!.default);
    return value
      .split(',')
      .map((v) => Number(v.includes('://') ? new URL(v).port : v.split(':').at(-1)));
  };
  // Every local port a forward rule of @datapark/platform-kubernetes takes for this release.
  return [
    'postgres.port',
    'redis.port',
    'kafka.bootstrapServers',
    'spark.masterUrl',
    'spark.restUrl',
    'spark.uiUrl',
    'spark.historyUrl',
    'airflow.url',
    's3.url',
    'monitoring.prometheusUrl',
    'monitoring.alertmanagerUrl',
  ].flatMap(port);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Seconds since `from`, to one decimal. */
const since = (from: number) => Math.round((Date.now() - from) / 100) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the pipeline on a one-node cluster (charts/datapark, local-images profile)', () => {
  const nodeDir = mkdtempSync(join(tmpdir(), 'datapark-e2e-node-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'datapark-e2e-state-'));
  const kubeconfig = join(nodeDir, 'admin.kubeconfig');
  /** The children's environment: no DATAPARK_* of this shell, the state directory of the test. */
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('DATAPARK_') || KEPT_ENV.includes(k),
      ),
    ),
    DATAPARK_STATE_DIR: stateDir,
    DATAPARK_KUBE_NODE_DIR: nodeDir,
    NO_COLOR: '1',
  };
  const target = ['--kubeconfig', kubeconfig, '--namespace', NAMESPACE, '--release', RELEASE];
  const figures: Record<string, number> = {};
  let started = false;
  /** Set once the release is Ready: a later case fails at once without it. */
  let installed = false;
  let forwards: ChildProcess | undefined;
  let forwardsExited: Promise<unknown> | undefined;
  let forwardLog = '';
  let core: CoreV1Api;
  let kube: KubeConfig;

  function requireInstalled() {
    if (!installed) throw new Error('the release did not get Ready (the first case failed)');
  }

  /** A CLI of ours with the test's environment, running; `cli` awaits it. */
  function start(script: string, args: readonly string[], timeoutMs: number) {
    return execa(process.execPath, [script, ...args], {
      env,
      extendEnv: false,
      timeout: timeoutMs,
      reject: false,
      all: true,
    });
  }

  /** A CLI of ours with the test's environment; fails with its output if it fails. */
  async function cli(script: string, args: readonly string[], timeoutMs: number) {
    return succeeded(script, args, await start(script, args, timeoutMs));
  }

  function succeeded<R extends { exitCode?: number; all?: string }>(
    script: string,
    args: readonly string[],
    result: R,
  ): R {
    if (result.exitCode !== 0)
      throw new Error(
        `${script.replace(ROOT, '')} ${args.join(' ')} exited ${result.exitCode}:\n${result.all}`,
      );
    return result;
  }

  /** The last JSON line a `--json` command printed on stdout. */
  const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as unknown;

  function endpoints() {
    // Never printed whole by an assertion: it holds the generated passwords.
    return JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as {
      postgres: { host: string; port: number; roles: Record<string, { password: string }> };
    };
  }

  /** Rows of a query as the analyst role, through the forward the endpoints file names. */
  async function query<T>(text: string): Promise<T[]> {
    const db = createDb(loadConfig({ env, cwd: stateDir }), 'analyst');
    try {
      return (await sql<T>`${sql.raw(text)}`.execute(db)).rows;
    } finally {
      await db.destroy();
    }
  }

  beforeAll(async () => {
    for (const [what, path, fix] of [
      ['the CLI', CLI, 'npx nx run-many -t build'],
      ['the ETL driver', ETL, 'npx nx run-many -t build'],
      ['the event generator', GENERATOR, 'npx nx run-many -t build'],
    ] as const)
      if (!existsSync(path)) throw new Error(`${what} is not built (${path}): run \`${fix}\``);
    for (const binary of ['kubelet', 'kube-scheduler', 'kube-proxy', 'coredns', 'kube-router'])
      if (!existsSync(join(kubeBinDir(), binary)))
        throw new Error(
          `${binary} is not in ${kubeBinDir()}: run \`bash tools/ci/kube-node.sh build\` (as root)`,
        );
    // Another node (a test's, or one not stopped) holds the fixed network namespace: starting
    // would fail, and stopping after that failure would tear the other one down.
    const namespaces = await execa('ip', ['netns', 'list'], { reject: false });
    if (/\bdatapark-kube-node\b/.test(namespaces.stdout))
      throw new Error(
        'a one-node cluster is already running (network namespace datapark-kube-node): wait for it, or stop it with `bash tools/ci/kube-node.sh stop`',
      );
    const busy = [];
    for (const port of forwardedPorts()) if (!(await portIsFree(port))) busy.push(port);
    if (busy.length > 0)
      throw new Error(
        `127.0.0.1 ports ${busy.join(', ')} are taken (the local platform?): the port-forwards need them. Stop it first: npx nx run platform:down`,
      );
    // The monitoring's images, which CI's set-up does not build: seconds each, once, but
    // Prometheus's compile (4 minutes cold) comes first.
    await execa('bash', [IMAGES, '--e2e'], { timeout: 900_000 });
    const paths = [];
    for (const name of IMAGE_NAMES) {
      const result = await execa('bash', [IMAGES, 'path', name], { reject: false });
      if (result.exitCode !== 0)
        throw new Error(`the ${name} image is not built: ${result.stderr.trim()}`);
      paths.push(result.stdout.trim());
    }
    let t = Date.now();
    started = true;
    // Longer than the script's own deadline, so that its diagnostics come through.
    await execa('bash', [NODE_SCRIPT, 'start'], { env, extendEnv: false, timeout: 420_000 });
    figures['node start s'] = since(t);
    kube = new KubeConfig();
    kube.loadFromFile(kubeconfig);
    core = kube.makeApiClient(CoreV1Api);
    t = Date.now();
    const socket = join(nodeDir, 'run', 'containerd.sock');
    for (const path of paths)
      await execa('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'import', path], {
        timeout: 300_000,
      });
    figures['image import s'] = since(t);
  }, 1_800_000);

  afterAll(async () => {
    try {
      await stopForwards();
    } finally {
      if (started)
        await execa('bash', [NODE_SCRIPT, 'stop'], { env, extendEnv: false, timeout: 120_000 });
      rmSync(nodeDir, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
      process.stderr.write(`\nfigures: ${JSON.stringify(figures)}\n`);
    }
  }, 180_000);

  /** Ends `k8s port-forward`: SIGTERM, then SIGKILL after 10 s; at once if it already exited. */
  async function stopForwards() {
    if (!forwards || forwards.exitCode !== null || forwards.signalCode !== null) return;
    forwards.kill('SIGTERM');
    const timer = sleep(10_000).then(() => 'timeout');
    if ((await Promise.race([forwardsExited, timer])) === 'timeout') forwards.kill('SIGKILL');
  }

  it('`k8s install` brings every component Ready and every init Job done', async () => {
    const t = Date.now();
    await cli(
      CLI,
      [
        'k8s',
        'install',
        ...target,
        '-f',
        PROFILE,
        '--set',
        'jupyter.enabled=false',
        '--set',
        'superset.enabled=false',
        '--port-forward',
        'always',
        '--timeout',
        '1200',
      ],
      1_300_000,
    );
    figures['install to all Ready s'] = since(t);
    installed = true;
    // `charts:status -- --json` (pretty-printed JSON), as a user runs it against the release.
    const status = JSON.parse(
      (await cli(CLI, ['k8s', 'status', ...target, '--json'], 60_000)).stdout,
    ) as {
      helmStatus: string;
      components: { component: string; ready: number; desired: number; done: boolean }[];
    };
    expect(status.helmStatus).toBe('deployed');
    expect(status.components.filter((c) => !c.done)).toEqual([]);
    expect(status.components.map((c) => [c.component, c.ready, c.desired]).sort()).toEqual([
      ['airflow-api-server', 1, 1],
      ['airflow-dag-processor', 1, 1],
      ['airflow-redis', 1, 1],
      ['airflow-scheduler', 1, 1],
      ['airflow-statsd', 1, 1],
      ['airflow-triggerer', 1, 1],
      ['airflow-worker', 1, 1],
      ['kafka-broker', 3, 3],
      ['monitoring-alertmanager', 1, 1],
      ['monitoring-node-exporter', 1, 1],
      ['monitoring-prometheus', 1, 1],
      ['objectstore', 1, 1],
      ['postgresql', 1, 1],
      ['spark-history', 1, 1],
      ['spark-master', 1, 1],
      ['spark-worker', 2, 2],
    ]);
  }, 1_400_000);

  it('`k8s port-forward` forwards the local platform’s ports and writes the endpoints file', async () => {
    requireInstalled();
    forwards = spawn(process.execPath, [CLI, 'k8s', 'port-forward', ...target], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    forwardsExited = once(forwards, 'exit');
    forwards.stdout!.on('data', (d: Buffer) => (forwardLog += d.toString()));
    forwards.stderr!.on('data', (d: Buffer) => (forwardLog += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no forwards after 60 s:\n${forwardLog}`)),
        60_000,
      );
      const check = () => {
        if (/Forwarding \d+ ports/.test(forwardLog)) {
          clearTimeout(timer);
          resolve();
        }
      };
      forwards!.stderr!.on('data', check);
      forwards!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`k8s port-forward exited ${code}:\n${forwardLog}`));
      });
    });
    const e = endpoints();
    expect({ host: e.postgres.host, port: e.postgres.port }).toEqual({
      host: '127.0.0.1',
      port: 15432,
    });
    expect(Object.keys(e.postgres.roles)).toEqual(expect.arrayContaining(['analyst', 'ingest']));
    // The chart's PostgreSQL through the forward, with the generated password of a role.
    expect(await query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  }, 120_000);

  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  it('the generator backfills two days into Kafka and PostgreSQL while a Kafka pod is killed, and ingest lands every acknowledged event in raw exactly once', async () => {
    requireInstalled();
    let t = Date.now();
    // Two days up to now, so that yesterday, which the batch computes, is whole.
    const backfillArgs = ['--mode', 'backfill', '--days', '2', '--sink', 'kafka,postgres'];
    const generator = start(GENERATOR, [...backfillArgs, '--seed', '42'], 900_000);
    const backfill = generator.then((result) => succeeded(GENERATOR, backfillArgs, result));
    let generatorDone = false;
    void backfill.then(
      () => (generatorDone = true),
      () => (generatorDone = true),
    );
    const broker = `${RELEASE}-kafka-1`;
    const brokerState = async () => {
      const pod = await core.readNamespacedPod({ name: broker, namespace: NAMESPACE });
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      return { uid: pod.metadata!.uid!, ready };
    };
    try {
      const before = (await brokerState()).uid;
      // A broker dies under the producer (acks=all, min ISR 2 of 3): its partitions' leaders
      // move, the forward to it breaks until the StatefulSet's new pod answers, and the producer
      // retries. The kill comes while the generator is still sending (about 25 s here).
      await sleep(3000);
      await core.deleteNamespacedPod({ name: broker, namespace: NAMESPACE, gracePeriodSeconds: 0 });
      expect(generatorDone).toBe(false);
      await backfill;
      figures['backfill s (a broker killed)'] = since(t);
      // The StatefulSet's new pod in its place, Ready again, before ingest reads.
      let now = await brokerState().catch(() => ({ uid: before, ready: false }));
      for (const deadline = Date.now() + 300_000; Date.now() < deadline;) {
        if (now.ready && now.uid !== before) break;
        await sleep(2000);
        now = await brokerState().catch(() => ({ uid: before, ready: false }));
      }
      expect(now.uid).not.toBe(before);
      expect(now.ready).toBe(true);
    } finally {
      // Never left running past the case (its execa child would outlive the node).
      if (!generatorDone) generator.kill();
    }
    t = Date.now();
    const ingest = json(
      (await cli(ETL, ['ingest', '--until-caught-up', '--no-metrics', '--json'], 900_000)).stdout,
    ) as Record<string, unknown>;
    figures['ingest s'] = since(t);
    process.stderr.write(`ingest: ${JSON.stringify(ingest)}\n`);
    // Every event the generator's Kafka sink had acknowledged (its last-run file) is in raw,
    // once: the counts per topic, and no dead letter.
    const lastRun = JSON.parse(
      readFileSync(join(stateDir, 'event-generator', 'last-run.json'), 'utf8'),
    ) as { endedBy: string; totals: { acknowledged: Record<string, Record<string, number>> } };
    expect(lastRun.endedBy).toBe('finished');
    const sent = lastRun.totals.acknowledged['kafka']!;
    const [landed] = await query<Record<string, number>>(`
      SELECT (SELECT count(*) FROM raw.customer_events)::int AS "customer-events",
             (SELECT count(*) FROM raw.product_events)::int AS "product-events",
             (SELECT count(*) FROM raw.order_events)::int AS "order-events",
             (SELECT count(*) FROM raw.clickstream_events)::int AS "clickstream"`);
    expect(landed).toEqual(sent);
    expect(Object.values(sent).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(ingest).toMatchObject({
      rows: Object.values(sent).reduce((a, b) => a + b, 0),
      deadLetters: 0,
      stoppedBy: 'caught-up',
    });
    const [orders] = await query<{ raw: number; distinct_events: number }>(`
      SELECT count(*)::int AS raw, count(DISTINCT event_id)::int AS distinct_events
        FROM raw.order_events`);
    expect(orders!.distinct_events).toBe(orders!.raw);
  }, 2_200_000);

  it(`the batch DAG runs in the cluster's Airflow and Spark for yesterday, and the quality checks pass`, async () => {
    requireInstalled();
    let t = Date.now();
    const batch = json(
      (await cli(ETL, ['batch', 'run', '--date', day, '--json', '--timeout', '20'], 1_300_000))
        .stdout,
    ) as { status: string };
    figures['batch DAG s'] = since(t);
    // What the release's pods hold right after the batch (the kubelet's summary API): a figure
    // for docs/kubernetes.md.
    const summary = (await core.connectGetNodeProxyWithPath({
      name: 'datapark-node',
      path: 'stats/summary',
    })) as unknown as string | object;
    const pods = (typeof summary === 'string' ? JSON.parse(summary) : summary) as {
      pods: { podRef: { namespace: string }; memory?: { workingSetBytes?: number } }[];
    };
    figures['pods memory GiB'] =
      Math.round(
        (pods.pods
          .filter((p) => p.podRef.namespace === NAMESPACE)
          .reduce((n, p) => n + (p.memory?.workingSetBytes ?? 0), 0) /
          2 ** 30) *
          10,
      ) / 10;
    process.stderr.write(`batch: ${JSON.stringify(batch)}\n`);
    expect(batch.status).toBe('success');
    // The day's sales as the cluster's Spark computed them, against the generator's orders
    // placed that UTC day, neither cancelled nor refunded (the batch's definition of a sale).
    const [sales] = await query<Record<string, string>>(`
      SELECT (SELECT orders_count::text || ' ' || revenue::text FROM processed.daily_sales
               WHERE sales_date = '${day}') AS spark,
             (SELECT count(*)::text || ' ' || sum(total_amount)::numeric(14, 2)::text FROM source.orders
               WHERE (placed_at AT TIME ZONE 'UTC')::date = '${day}'
                 AND status NOT IN ('cancelled', 'refunded')) AS source`);
    process.stderr.write(`daily_sales: ${JSON.stringify(sales)}\n`);
    expect(sales!['spark']).toMatch(/^[1-9]\d* \d+\.\d\d$/);
    expect(sales!['spark']).toBe(sales!['source']);
    t = Date.now();
    const quality = json(
      (await cli(ETL, ['quality', 'check', '--date', day, '--json'], 600_000)).stdout,
    ) as { status: string; results: { check: string; passed: boolean }[] };
    figures['quality s'] = since(t);
    expect(quality.results.filter((r) => !r.passed)).toEqual([]);
    expect(quality.results.length).toBeGreaterThan(0);
  }, 2_000_000);

  it("the chart's Prometheus scrapes every exporter of the release, and SparkWorkerLost reaches its Alertmanager while a Spark worker is gone", async () => {
    requireInstalled();
    const { monitoring } = loadConfig({ env, cwd: stateDir });
    const authorization = `Basic ${Buffer.from(`${monitoring.username}:${monitoring.password}`).toString('base64')}`;
    const get = async <T>(base: string, path: string): Promise<T> => {
      const response = await fetch(new URL(path, base), { headers: { authorization } });
      if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
      return (await response.json()) as T;
    };
    // Behind its basic auth: nothing without the generated password.
    expect((await fetch(new URL('/api/v1/targets', monitoring.prometheusUrl))).status).toBe(401);
    type Targets = {
      data: {
        activeTargets: {
          labels: { job: string; unit: string };
          health: string;
          lastError: string;
        }[];
      };
    };
    const targets = async () =>
      (await get<Targets>(monitoring.prometheusUrl, '/api/v1/targets')).data.activeTargets.map(
        (t) => ({
          job: t.labels.job,
          unit: t.labels.unit,
          health: t.health,
          lastError: t.lastError,
        }),
      );
    // Every target found (Kubernetes service discovery in the namespace) and scraped, up: the
    // wait ends when each job has its count of targets and all are up, since discovery finds
    // them a few at a time.
    const expected = [
      ['prometheus', 1],
      ['alertmanager', 1],
      ['node', 1],
      ['postgres', 1],
      ['redis', 1],
      ['kafka', 3],
      ['airflow', 1],
      ['objectstore', 1],
      ['spark-master', 1],
      ['spark-worker', 2],
      ['spark-app', 2],
    ] as const;
    let seen = await targets();
    const counts = () =>
      expected.map(([job]) => [job, seen.filter((x) => x.job === job).length] as const);
    const settled = () =>
      seen.every((x) => x.health === 'up') && counts().every(([, n], i) => n === expected[i]![1]);
    let t = Date.now();
    for (const deadline = Date.now() + 180_000; Date.now() < deadline && !settled();) {
      await sleep(5000);
      seen = await targets();
    }
    figures['all targets up s'] = since(t);
    process.stderr.write(`targets: ${JSON.stringify(seen)}\n`);
    expect(seen.filter((x) => x.health !== 'up')).toEqual([]);
    expect(counts()).toEqual(expected);
    // The exporters' own measurements, not only their `up`: PostgreSQL reached by its exporter,
    // Redis by its, three Kafka brokers' MBeans, two Spark workers alive as the master counts them.
    type Vector = {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    const value = async (query: string) =>
      (
        await get<Vector>(
          monitoring.prometheusUrl,
          `/api/v1/query?query=${encodeURIComponent(query)}`,
        )
      ).data.result.map((r) => Number(r.value[1]));
    expect(await value('pg_up')).toEqual([1]);
    expect(await value('redis_up')).toEqual([1]);
    // Each broker's JMX agent (the image's own jar) serves the replica manager's MBeans.
    expect(await value('count(kafka_server_replicamanager_underreplicatedpartitions)')).toEqual([
      3,
    ]);
    expect(await value('max(metrics_master_aliveWorkers_Value)')).toEqual([2]);
    // The rules of the local platform loaded, and Alertmanager known to Prometheus.
    const rules = await get<{ data: { groups: { rules: { name: string }[] }[] } }>(
      monitoring.prometheusUrl,
      '/api/v1/rules',
    );
    expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual(
      expect.arrayContaining(['SparkWorkerLost', 'PostgresDown', 'KafkaBrokerDown']),
    );
    const managers = await get<{ data: { activeAlertmanagers: unknown[] } }>(
      monitoring.prometheusUrl,
      '/api/v1/alertmanagers',
    );
    expect(managers.data.activeAlertmanagers).toHaveLength(1);

    // One Spark worker of two gone (the Deployment scaled to 1): the master counts one alive,
    // and after the rule's minute SparkWorkerLost is in Alertmanager.
    const apps = kube.makeApiClient(AppsV1Api);
    const scale = (replicas: number) =>
      apps.patchNamespacedDeploymentScale(
        { name: `${RELEASE}-spark-worker`, namespace: NAMESPACE, body: { spec: { replicas } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    type Alert = { labels: Record<string, string>; status: { state: string } };
    const firing = async () =>
      (await get<Alert[]>(monitoring.alertmanagerUrl, '/api/v2/alerts'))
        .filter((a) => a.status.state === 'active')
        .map((a) => a.labels['alertname']);
    expect(await firing()).not.toContain('SparkWorkerLost');
    t = Date.now();
    await scale(1);
    try {
      let alerts = await firing();
      for (const deadline = Date.now() + 300_000; Date.now() < deadline;) {
        if (alerts.includes('SparkWorkerLost')) break;
        await sleep(5000);
        alerts = await firing();
      }
      figures['SparkWorkerLost in Alertmanager s'] = since(t);
      expect(alerts).toContain('SparkWorkerLost');
      expect(await value('max(metrics_master_aliveWorkers_Value)')).toEqual([1]);
    } finally {
      await scale(2);
    }
  }, 900_000);

  it('`k8s uninstall --purge` leaves nothing of the release behind', async () => {
    requireInstalled();
    await stopForwards();
    await cli(CLI, ['k8s', 'uninstall', ...target, '--purge'], 300_000);
    const apps = kube.makeApiClient(AppsV1Api);
    const batch = kube.makeApiClient(BatchV1Api);
    const networking = kube.makeApiClient(NetworkingV1Api);
    const policy = kube.makeApiClient(PolicyV1Api);
    const namespace = NAMESPACE;
    const names = (kind: string, list: { items: { metadata?: { name?: string } }[] }) =>
      list.items.map((i) => `${kind}/${i.metadata?.name}`);
    const leftOver = async () =>
      [
        names('pod', await core.listNamespacedPod({ namespace })),
        names('service', await core.listNamespacedService({ namespace })),
        names('deployment', await apps.listNamespacedDeployment({ namespace })),
        names('statefulset', await apps.listNamespacedStatefulSet({ namespace })),
        names('job', await batch.listNamespacedJob({ namespace })),
        names('pvc', await core.listNamespacedPersistentVolumeClaim({ namespace })),
        names('secret', await core.listNamespacedSecret({ namespace })),
        names('configmap', await core.listNamespacedConfigMap({ namespace })),
        names('serviceaccount', await core.listNamespacedServiceAccount({ namespace })),
        names('networkpolicy', await networking.listNamespacedNetworkPolicy({ namespace })),
        names('pdb', await policy.listNamespacedPodDisruptionBudget({ namespace })),
      ]
        .flat()
        // The namespace's own: its default ServiceAccount and the apiserver's root CA ConfigMap.
        .filter((n) => !['serviceaccount/default', 'configmap/kube-root-ca.crt'].includes(n));
    // Pods take their grace period to go: the Celery worker's is 600 s (a warm shutdown lets its
    // tasks finish), and once it took all of it (its broker, Redis, went at the same time).
    const t = Date.now();
    let left = await leftOver();
    for (const deadline = Date.now() + 660_000; left.length > 0 && Date.now() < deadline;) {
      await sleep(3000);
      left = await leftOver();
    }
    figures['uninstall until nothing is left s'] = since(t);
    expect(left).toEqual([]);
  }, 1_000_000);
});
