#!/usr/bin/env node
// `npm run demo`: from `npm ci` to a working pipeline a learner can watch. Installs what is
// missing (Debian packages, the Python venv, JVM jars), builds, starts the whole local platform,
// backfills two days of a simulated shop into Kafka and PostgreSQL, adds a minute of real-time
// events, ingests Kafka into `raw` exactly once, runs the batch DAG in
// Airflow for each backfilled day, builds yesterday in the lake (Iceberg), starts the streaming job, runs the quality checks and prints
// a report and where to look next. Running it again is safe: the backfill is done once (its
// seed is fixed, so a rerun would only replay it), ingest resumes from its stored offsets, the
// batch replaces a day's rows, the streaming job is left alone when it runs.
// `npm run demo -- --down` stops everything (data kept).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24 } from './node-24.mjs';

const root = new URL('../..', import.meta.url).pathname;

// Node 20 (Debian 12's) fails deep inside execa/kysely: rerun under Node 24, brought here.
ensureNode24();
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const cli = join(root, 'apps', 'datapark-cli', 'dist', 'cli.js');
const etl = join(root, 'apps', 'etl-driver', 'dist', 'cli.js');
const generator = join(root, 'apps', 'event-generator', 'dist', 'cli.js');
const started = Date.now();
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};

function step(title) {
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  process.stderr.write(`\n━━ ${title} (${secs}s)\n`);
}

function run(command, args, { allowFailure = false } = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0 && !allowFailure) {
    process.stderr.write(
      `\n✗ The demo stopped at: ${[command, ...args].map((a) => a.replace(root, '')).join(' ')}\n` +
        '  The platform is left as it is: `npx nx run platform:status` and `npx nx run platform:logs -- <component>` tell more.\n',
    );
    process.exit(result.status ?? 1);
  }
  return result.status ?? 1;
}

const node = (script, args, options) => run(process.execPath, [script, ...args], options);

if (argv.includes('--down')) {
  if (existsSync(etl)) node(etl, ['stream', 'stop'], { allowFailure: true });
  node(cli, ['down']);
  process.exit(0);
}

const days = Number(flag('--days', '2'));
const realtimeSeconds = Number(flag('--realtime-seconds', '60'));

// The same idempotent install scripts CI runs: each returns at once when its part is present.
step(
  'install what is missing (Debian packages, the Python venv, DuckDB extensions, the dbt and Superset venvs, JVM jars from Maven Central; Alertmanager, statsd_exporter and the object store built with Go)',
);
// Every install script `up` can name in a "not found" fix (tools/scripts/test/demo.test.ts).
for (const script of [
  'apt.sh',
  'python.sh',
  'duckdb.sh',
  'dbt.sh',
  'superset.sh',
  'maven.sh',
  'monitoring.sh',
  'objectstore.sh',
])
  run('bash', [join(root, 'tools', 'ci', script)]);

step('build');
run(join(root, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '--outputStyle=static']);

step(
  'start the local platform (PostgreSQL, Redis, Kafka, Spark, Airflow, Jupyter, Superset, monitoring)',
);
node(cli, ['up']);

step('dbt: the manifest datapark_dbt_models is rendered from (dbt parse, at deploy)');
run('bash', [join(root, 'apps', 'dbt-shop', 'bin', 'manifest.sh')], { allowFailure: true });

// Imported after the build: the SDKs' dist is what a user script imports too.
const { loadConfig, postgresUrl } = await import('@datapark/config');
const { default: pg } = await import('pg');
const config = loadConfig();

async function sourceOrders() {
  const client = new pg.Client({ connectionString: postgresUrl(config, 'analyst') });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM source.orders');
    return rows[0].n;
  } finally {
    await client.end();
  }
}

const before = await sourceOrders();
if (before === 0) {
  step(`backfill ${days} days of the simulated shop into Kafka and PostgreSQL`);
  node(generator, [
    '--mode',
    'backfill',
    '--days',
    String(days),
    '--sink',
    'kafka,postgres',
    '--seed',
    '42',
  ]);
} else {
  step(
    `backfill: skipped, source already holds ${before} orders (a second backfill would replay the same seed)`,
  );
}

step(`${realtimeSeconds} s of real-time events at 200 events/s`);
node(generator, [
  '--mode',
  'realtime',
  '--rate',
  '200',
  '--duration',
  String(realtimeSeconds),
  '--sink',
  'kafka,postgres',
  '--seed',
  String(Date.now()),
]);

step('ingest Kafka into raw (exactly once: offsets stored with the rows)');
node(etl, ['ingest', '--until-caught-up']);

const today = new Date();
const dates = [];
for (let back = days; back >= 0; back--) {
  dates.push(new Date(today.getTime() - back * 86_400_000).toISOString().slice(0, 10));
}
/** Days before today whose batch already succeeded: the run that computed them came after the
 * backfill, and nothing writes a past day after it (real-time events land today). */
async function computedPastDays() {
  const client = new pg.Client({ connectionString: postgresUrl(config, 'analyst') });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT logical_date::text AS day, max(run_id::bigint)::text AS run FROM etl.job_runs
        WHERE job_name IN ('datapark_batch_etl', 'daily_batch') AND status = 'success'
          AND logical_date < current_date
        GROUP BY logical_date`,
    );
    return new Map(rows.map((r) => [r.day, r.run]));
  } finally {
    await client.end();
  }
}

// A second demo recomputes only today: each past day's Spark job would rewrite the same rows.
const computed = before > 0 ? await computedPastDays() : new Map();
for (const date of dates) {
  if (computed.has(date)) {
    step(
      `batch for ${date}: skipped, computed by run ${computed.get(date)} after the backfill ` +
        `(recompute it: node apps/etl-driver/dist/cli.js batch run --date ${date})`,
    );
    continue;
  }
  step(`batch for ${date}: Airflow DAG datapark_batch_etl (extract → Spark → checks → recorded)`);
  node(etl, ['batch', 'run', '--date', date]);
}

// The lake's side of the same day (Iceberg in the object store): the batch DAG builds every
// closed day it computes there too, so this is for a second demo whose past days were computed
// before the DAG did (skipped when the lake holds yesterday).
const lakeDay = dates.at(-2);
async function dayInGold(day) {
  const { openLake } = await import('@datapark/lake');
  const lake = await openLake(config);
  try {
    if (!lake.tables.some((t) => t.qualifiedName === 'lake.gold.daily_sales')) return false;
    return (await lake.gold.dailySales({ from: day, to: day })).length > 0;
  } finally {
    lake.close();
  }
}
if (await dayInGold(lakeDay)) {
  step(`lake for ${lakeDay}: skipped, lake.gold.daily_sales holds it`);
} else {
  step(
    `lake for ${lakeDay}: Spark's lake job (raw → bronze → silver → gold in Iceberg), reconciled with processed`,
  );
  // Exit 1 is a reconciliation that failed after the day was written: the report shows both sides.
  node(
    join(root, 'lab', 'scripts', 'submit-spark-job.ts'),
    ['apps/spark-jobs/jobs/lake_daily.py', '--date', lakeDay],
    { allowFailure: true },
  );
}

step('streaming job: Kafka → processed realtime metrics and sessions');
node(etl, ['stream', 'start'], { allowFailure: true });

step(`quality checks for ${dates.at(-2)}`);
const quality = node(etl, ['quality', 'check', '--date', dates.at(-2)], { allowFailure: true });

step('dbt docs (Airflow serves them behind its login at /dbt-docs/)');
run('bash', [join(root, 'apps', 'dbt-shop', 'bin', 'docs.sh')], { allowFailure: true });

step('report');
node(etl, ['report']);

const endpoints = JSON.parse(readFileSync(config.endpointsFile, 'utf8'));
const lines = [
  [
    'Airflow',
    `${endpoints.airflow?.url ?? config.airflow.url}  (user and password: airflow.* in the endpoints file)`,
  ],
  ['Jupyter', `${endpoints.jupyter.url}/lab  (token: jupyter.token in the endpoints file)`],
  [
    'Superset',
    `${endpoints.superset?.url ?? config.superset.url}/superset/dashboard/shop/  (user datapark, password: superset.password in the endpoints file)`,
  ],
  [
    'Superset, live',
    `${endpoints.superset?.url ?? config.superset.url}/superset/dashboard/streaming/  (with the streaming job started above: run the generator, \`npx nx run event-generator:serve\`, and watch it fill)`,
  ],
  ['Spark master UI', endpoints.spark.uiUrl],
  ['Spark history server', endpoints.spark.historyUrl],
  [
    'Lake (Iceberg)',
    'node lab/scripts/query-lake.ts "SELECT * FROM lake.gold.daily_sales"  (DuckDB), and the lakehouse notebook',
  ],
  ['Kafka brokers', endpoints.kafka.bootstrapServers.join(', ')],
  [
    'PostgreSQL',
    `${endpoints.postgres.host}:${endpoints.postgres.port}, database datapark (role passwords in the endpoints file)`,
  ],
  ['Endpoints file', config.endpointsFile],
];
process.stdout.write(
  `\nThe pipeline ran in ${((Date.now() - started) / 1000).toFixed(0)} s` +
    (quality === 0 ? ', every quality check passed.' : ': a quality check failed (see above).') +
    '\nWhere to look next:\n',
);
for (const [what, where] of lines) process.stdout.write(`  ${what.padEnd(22)} ${where}\n`);
process.stdout.write(
  '\nTry: the notebooks in apps/notebooks, `node apps/etl-driver/dist/cli.js report`, ' +
    '`npx nx run event-generator:serve`, and `npm run demo -- --down` to stop.\n',
);
