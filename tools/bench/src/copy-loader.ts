// bench:copy-loader — the COPY loader of @datapark/db against `psql \copy` of the same rows into
// the same table, in the same run. Target: ours ≥ 0.8x psql.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import type { CopyRow } from '@datapark/db';
import { copyRows, createPool, encodeCopyLine } from '@datapark/db';
import { psqlAsOwner } from './psql.js';
import { printReport, timed } from './report.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 200_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);

const config = loadConfig();
const pool = createPool(config, 'owner', { max: 2 });
const owner = config.postgres.roles.owner;
if (!owner.password)
  throw new Error('start the platform first: npx nx run platform:up --only postgres');

function rows(topic: string): CopyRow<'raw.order_events'>[] {
  const at = Date.UTC(2026, 10, 1);
  return Array.from({ length: ROWS }, (_, i) => ({
    event_id: randomUUID(),
    event_type: 'order_placed',
    schema_version: 1,
    occurred_at: new Date(at + i * 1000),
    producer: 'bench',
    order_id: randomUUID(),
    payload: {
      order_id: `o-${i}`,
      customer_id: `c-${i % 5000}`,
      items: [{ product_id: `p-${i % 700}`, quantity: 1 + (i % 3), unit_price: '19.99' }],
      total_amount: '39.98',
      note: i % 10 === 0 ? 'gift\twrap\nplease' : null,
    },
    kafka_topic: topic,
    kafka_partition: i % 6,
    kafka_offset: i,
  }));
}

async function clear(topic: string): Promise<void> {
  await pool.query('DELETE FROM raw.order_events WHERE kafka_topic = $1', [topic]);
}

async function reference(file: string, columns: string[]): Promise<number> {
  return timed(async () =>
    psqlAsOwner(config, `\\copy raw.order_events (${columns.join(', ')}) FROM '${file}'`),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'bench-copy-'));
const topicRef = `bench-ref-${randomUUID()}`;
const topicOurs = `bench-ours-${randomUUID()}`;
try {
  const ourRows = rows(topicOurs);
  const refRows = rows(topicRef);
  const columns = Object.keys(refRows[0]!);
  const file = join(dir, 'rows.tsv');
  writeFileSync(
    file,
    refRows.map((r) => encodeCopyLine(r as Record<string, unknown>, columns)).join(''),
  );
  process.stderr.write(
    `bench:copy-loader: ${ROWS} raw.order_events rows, ${ROUNDS} rounds each, best round counts\n`,
  );

  const refTimes: number[] = [];
  const ourTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await clear(topicRef);
    refTimes.push(await reference(file, columns));
    await clear(topicOurs);
    ourTimes.push(await timed(() => copyRows(pool, 'raw.order_events', ourRows)));
    process.stderr.write(
      `  round ${round + 1}: psql \\copy ${refTimes.at(-1)!.toFixed(2)}s, copyRows ${ourTimes.at(-1)!.toFixed(2)}s\n`,
    );
  }
  const best = (times: number[]) => Math.min(...times);
  printReport(
    {
      bench: 'copy-loader',
      ours: ROWS / best(ourTimes),
      reference: ROWS / best(refTimes),
      unit: 'rows/s',
    },
    [
      ['rows per run', String(ROWS)],
      ['table', 'raw.order_events (JSONB payload, unique Kafka position)'],
      ['ours', 'copyRows (@datapark/db), objects encoded in process, 50k-row transactions'],
      ['reference', 'psql \\copy from a prepared file'],
    ],
    0.8,
  );
} finally {
  await clear(topicRef);
  await clear(topicOurs);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
}
