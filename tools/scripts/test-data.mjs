#!/usr/bin/env node
// The shop as `npm run demo` leaves it, made once before `npm test`'s tests: a day of history in
// `source` (the generator's backfill, seed 42, into Kafka and PostgreSQL), ingested into `raw`,
// that day through the daily batch (Spark, straight to its REST server: `processed`) and the
// quality checks (`quality.check_results`), the lake's tables for that day (Iceberg, by Spark's
// lake job), two malformed records set aside by ingest (`etl.dead_letters`), and dbt's models
// built in `analytics`. Tests that read the shop (Superset's charts, lessons 5
// and 6, the notebooks) then do not depend on which project happened to run before them, now
// that the shared lane runs two projects at a time. Each part is skipped when it is there already.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const started = Date.now();
const say = (line) =>
  process.stderr.write(`  ${line} (${((Date.now() - started) / 1000).toFixed(0)}s)\n`);

function node(script, args, fine = [0]) {
  const result = spawnSync(process.execPath, [join(root, script), ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  if (!fine.includes(result.status)) {
    process.stderr.write(
      `✗ test data: ${script} ${args.join(' ')} failed (exit ${result.status})\n`,
    );
    process.exit(result.status ?? 1);
  }
}

const { loadConfig, postgresUrl } = await import('@datapark/config');
const { default: pg } = await import('pg');
const config = loadConfig();

async function query(sql) {
  const client = new pg.Client({ connectionString: postgresUrl(config, 'analyst') });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

const { past } = await query(
  `SELECT count(*)::int AS past FROM source.orders
    WHERE placed_at < (now() AT TIME ZONE 'UTC')::date AT TIME ZONE 'UTC'`,
);
if (past === 0) {
  say(
    'no order before today in source: a day of the shop (backfill, seed 42) into Kafka and PostgreSQL',
  );
  node('apps/event-generator/dist/cli.js', [
    '--mode',
    'backfill',
    '--days',
    '1',
    '--sink',
    'kafka,postgres',
    '--seed',
    '42',
  ]);
  say('ingest it into raw');
  node('apps/etl-driver/dist/cli.js', ['ingest', '--until-caught-up']);
} else say(`source holds ${past} orders before today: no backfill`);

const { day } = await query(
  `SELECT to_char(max(placed_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day FROM source.orders
    WHERE placed_at < (now() AT TIME ZONE 'UTC')::date AT TIME ZONE 'UTC'`,
);
const { sales } = await query(
  `SELECT count(*)::int AS sales FROM processed.daily_sales WHERE sales_date = '${day}'`,
);
if (sales === 0) {
  say(`no daily sales for ${day} in processed: the daily batch on Spark for it`);
  node('apps/etl-driver/dist/cli.js', ['batch', 'run', '--direct', '--date', day]);
} else say(`processed holds ${day}: no batch`);

const { results } = await query(`SELECT count(*)::int AS results FROM quality.check_results`);
if (results === 0) {
  say(`no quality results: the checks for ${day}`);
  // A check that fails is a result too (recorded, exit 1); only a crash stops the tests.
  node('apps/etl-driver/dist/cli.js', ['quality', 'check', '--date', day], [0, 1]);
} else say(`quality holds ${results} results: no checks`);

// The lake's gold for the same day (Spark's lake job: bronze → silver → gold in Iceberg), read
// with DuckDB as a learner reads it; the lakehouse notebook and lesson 11 start from it.
const { openLake } = await import('@datapark/lake');
async function dayInGold() {
  const lake = await openLake(config);
  try {
    if (!lake.tables.some((t) => t.qualifiedName === 'lake.gold.daily_sales')) return false;
    const [row] = await lake.query(
      `SELECT count(*) AS n FROM lake.gold.daily_sales WHERE sales_date = DATE '${day}'`,
    );
    return Number(row?.n ?? 0) > 0;
  } finally {
    lake.close();
  }
}
if (!(await dayInGold())) {
  say(`no ${day} in lake.gold.daily_sales: the lake job on Spark for it`);
  // It exits 1 when its reconciliation with processed fails after writing the day (a result,
  // like a failed check); the day must be in gold afterwards either way.
  node(
    'lab/scripts/submit-spark-job.ts',
    ['apps/spark-jobs/jobs/lake_daily.py', '--date', day],
    [0, 1],
  );
  if (!(await dayInGold())) {
    process.stderr.write(`✗ test data: the lake job left no ${day} in lake.gold.daily_sales\n`);
    process.exit(1);
  }
} else say(`the lake holds ${day}: no lake job`);

const { letters } = await query(`SELECT count(*)::int AS letters FROM etl.dead_letters`);
if (letters === 0) {
  say('no dead letters: two malformed clickstream records, and ingest sets them aside');
  // As a learner sends them (`datapark kafka produce`): not JSON, and JSON that is not an event.
  const produced = spawnSync(
    process.execPath,
    [join(root, 'apps/datapark-cli/dist/cli.js'), 'kafka', 'produce', 'clickstream'],
    {
      cwd: root,
      input: 'not json\n{"event_id":"not-an-event"}\n',
      stdio: ['pipe', 'inherit', 'inherit'],
    },
  );
  if (produced.status !== 0) {
    process.stderr.write(`✗ test data: datapark kafka produce failed (exit ${produced.status})\n`);
    process.exit(produced.status ?? 1);
  }
  node('apps/etl-driver/dist/cli.js', ['ingest', '--until-caught-up']);
} else say(`etl.dead_letters holds ${letters}: no malformed records`);

const { built } = await query(`SELECT to_regclass('analytics.fct_funnel') IS NOT NULL AS built`);
if (!built) {
  say('no dbt models in analytics: dbt run');
  const dbt = spawnSync('bash', [join(root, 'apps/dbt-shop/bin/dbt.sh'), 'run'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (dbt.status !== 0) {
    process.stderr.write(`✗ test data: dbt run failed (exit ${dbt.status})\n`);
    process.exit(dbt.status ?? 1);
  }
} else say('analytics holds dbt models: no dbt run');
say('the shop is ready for the tests');
