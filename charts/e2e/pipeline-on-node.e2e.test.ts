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
 * about 15 minutes on two cores. docs/kubernetes.md keeps its last figures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
];
const NAMESPACE = 'datapark';
const RELEASE = 'dp';

/** The local platform's ports the forwards take (@datapark/config's defaults). */
function forwardedPorts(): number[] {
  const port = (key: string) => {
    const value = String(CONFIG_KEYS[key]!.default);
    return value
      .split(',')
      .map((v) => Number(v.includes('://') ? new URL(v).port : v.split(':').at(-1)));
  };
  return ['postgres.port', 'kafka.bootstrapServers', 'airflow.url', 'spark.restUrl'].flatMap(port);
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

describe('the pipeline on a one-node cluster (charts/datapark, local-images profile)', () => {
  const nodeDir = mkdtempSync(join(tmpdir(), 'datapark-e2e-node-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'datapark-e2e-state-'));
  const kubeconfig = join(nodeDir, 'admin.kubeconfig');
  /** The children's environment: no DATAPARK_* of this shell, the state directory of the test. */
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DATAPARK_'))),
    DATAPARK_STATE_DIR: stateDir,
    DATAPARK_KUBE_NODE_DIR: nodeDir,
    NO_COLOR: '1',
  };
  const target = ['--kubeconfig', kubeconfig, '--namespace', NAMESPACE, '--release', RELEASE];
  const figures: Record<string, number> = {};
  let started = false;
  let forwards: ChildProcess | undefined;
  let forwardLog = '';

  /** A CLI of ours with the test's environment; its stderr (progress) goes to the test output. */
  async function cli(script: string, args: readonly string[], timeoutMs: number) {
    const result = await execa(process.execPath, [script, ...args], {
      env,
      extendEnv: false,
      timeout: timeoutMs,
      reject: false,
      all: true,
    });
    if (result.exitCode !== 0)
      throw new Error(
        `${script.replace(ROOT, '')} ${args.join(' ')} exited ${result.exitCode}:\n${result.all}`,
      );
    return result;
  }

  /** The last JSON line a `--json` command printed on stdout. */
  const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as unknown;

  function endpoints() {
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
    const busy = [];
    for (const port of forwardedPorts()) if (!(await portIsFree(port))) busy.push(port);
    if (busy.length > 0)
      throw new Error(
        `127.0.0.1 ports ${busy.join(', ')} are taken (the local platform?): the port-forwards need them. Stop it first: npx nx run platform:down`,
      );
    const paths = [];
    for (const name of IMAGE_NAMES) {
      const result = await execa('bash', [IMAGES, 'path', name], { reject: false });
      if (result.exitCode !== 0)
        throw new Error(`the ${name} image is not built: ${result.stderr.trim()}`);
      paths.push(result.stdout.trim());
    }
    let t = Date.now();
    started = true;
    await execa('bash', [NODE_SCRIPT, 'start'], { env, extendEnv: false, timeout: 300_000 });
    figures['node start s'] = since(t);
    t = Date.now();
    const socket = join(nodeDir, 'run', 'containerd.sock');
    for (const path of paths)
      await execa('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'import', path], {
        timeout: 300_000,
      });
    figures['image import s'] = since(t);
  }, 900_000);

  afterAll(async () => {
    if (forwards && forwards.exitCode === null) {
      forwards.kill('SIGTERM');
      await new Promise((resolve) => forwards!.once('exit', resolve));
    }
    if (started)
      await execa('bash', [NODE_SCRIPT, 'stop'], { env, extendEnv: false, timeout: 120_000 });
    rmSync(nodeDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
    process.stderr.write(`\nfigures: ${JSON.stringify(figures)}\n`);
  }, 180_000);

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
      ['airflow-triggerer', 1, 1],
      ['airflow-worker', 1, 1],
      ['kafka-broker', 3, 3],
      ['objectstore', 1, 1],
      ['postgresql', 1, 1],
      ['spark-history', 1, 1],
      ['spark-master', 1, 1],
      ['spark-worker', 2, 2],
    ]);
  }, 1_400_000);

  it('`k8s port-forward` forwards the local platform’s ports and writes the endpoints file', async () => {
    forwards = spawn(process.execPath, [CLI, 'k8s', 'port-forward', ...target], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    expect(e.postgres).toMatchObject({ host: '127.0.0.1', port: 15432 });
    expect(Object.keys(e.postgres.roles)).toEqual(expect.arrayContaining(['analyst', 'ingest']));
    // The chart's PostgreSQL through the forward, with the generated password of a role.
    expect(await query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  }, 120_000);

  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  it('the generator backfills a day into Kafka and PostgreSQL while a Kafka pod is killed, and ingest lands every acknowledged event in raw exactly once', async () => {
    let t = Date.now();
    const backfill = cli(
      GENERATOR,
      ['--mode', 'backfill', '--days', '1', '--sink', 'kafka,postgres', '--seed', '42'],
      900_000,
    );
    // A broker dies under the producer (acks=all, min ISR 2 of 3): its partitions' leaders move,
    // the forward to it breaks until the StatefulSet's new pod answers, and the producer retries.
    let generatorDone = false;
    void backfill.then(
      () => (generatorDone = true),
      () => (generatorDone = true),
    );
    const broker = `${RELEASE}-kafka-1`;
    const kubectl = (args: readonly string[]) =>
      execa('kubectl', ['--kubeconfig', kubeconfig, '-n', NAMESPACE, ...args], { timeout: 60_000 });
    const before = (await kubectl(['get', 'pod', broker, '-o', 'jsonpath={.metadata.uid}'])).stdout;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await execa(
      'kubectl',
      [
        '--kubeconfig',
        kubeconfig,
        '-n',
        NAMESPACE,
        'delete',
        'pod',
        `${RELEASE}-kafka-1`,
        '--grace-period=0',
        '--force',
      ],
      { timeout: 60_000 },
    );
    // The kill came while the generator was still sending.
    expect(generatorDone).toBe(false);
    await backfill;
    figures['backfill s (a broker killed)'] = since(t);
    // The StatefulSet's new pod in its place, Ready again, before ingest reads.
    const state = async () =>
      (
        await kubectl([
          'get',
          'pod',
          broker,
          '-o',
          'jsonpath={.metadata.uid} {.status.conditions[?(@.type=="Ready")].status}',
        ]).catch(() => ({ stdout: '' }))
      ).stdout;
    let now = await state();
    for (const deadline = Date.now() + 300_000; Date.now() < deadline; now = await state()) {
      if (now.endsWith(' True') && !now.startsWith(before)) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    expect(now).toMatch(/^\S+ True$/);
    expect(now.split(' ')[0]).not.toBe(before);
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
    expect(ingest).toMatchObject({
      rows: Object.values(sent).reduce((a, b) => a + b, 0),
      deadLetters: 0,
      stoppedBy: 'caught-up',
    });
    const [orders] = await query<{ raw: number; distinct_events: number }>(`
      SELECT count(*)::int AS raw, count(DISTINCT event_id)::int AS distinct_events
        FROM raw.order_events`);
    expect(orders!.distinct_events).toBe(orders!.raw);
  }, 1_900_000);

  it(`the batch DAG runs in the cluster's Airflow and Spark for the day, and the quality checks pass`, async () => {
    let t = Date.now();
    const batch = json(
      (await cli(ETL, ['batch', 'run', '--date', day, '--json', '--timeout', '20'], 1_300_000))
        .stdout,
    ) as { status: string };
    figures['batch DAG s'] = since(t);
    // What the release's pods hold right after the batch (the kubelet's summary API): a figure
    // for docs/kubernetes.md.
    const summary = JSON.parse(
      (
        await execa(
          'kubectl',
          [
            '--kubeconfig',
            kubeconfig,
            'get',
            '--raw',
            '/api/v1/nodes/datapark-node/proxy/stats/summary',
          ],
          { timeout: 60_000 },
        )
      ).stdout,
    ) as { pods: { podRef: { namespace: string }; memory?: { workingSetBytes?: number } }[] };
    figures['pods memory GiB'] =
      Math.round(
        (summary.pods
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
  }, 1_900_000);

  it('`k8s uninstall --purge` leaves nothing of the release behind', async () => {
    forwards?.kill('SIGTERM');
    await cli(CLI, ['k8s', 'uninstall', ...target, '--purge'], 300_000);
    const leftOver = async () =>
      (
        await execa(
          'kubectl',
          [
            '--kubeconfig',
            kubeconfig,
            '-n',
            NAMESPACE,
            'get',
            'all,pvc,secrets,configmaps,networkpolicies,serviceaccounts,poddisruptionbudgets',
            '-o',
            'name',
          ],
          { timeout: 60_000 },
        )
      ).stdout
        .split('\n')
        .filter(Boolean)
        // The namespace's own: its default ServiceAccount and the apiserver's root CA ConfigMap.
        .filter((n) => !['serviceaccount/default', 'configmap/kube-root-ca.crt'].includes(n));
    // Pods take their grace period to go.
    let left = await leftOver();
    for (const deadline = Date.now() + 180_000; left.length > 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      left = await leftOver();
    }
    expect(left).toEqual([]);
  }, 400_000);
});
