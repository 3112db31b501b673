import type { DataparkConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import { TOPIC_CATALOG, TOPIC_NAMES } from '@datapark/events';
import { connectionFromConfig, fetchWatermarks } from '@datapark/kafka';
import { buildLakeReport, type LakeReport } from './lake-report.js';

export interface TopicReport {
  readonly topic: string;
  /** Sum of the end offsets: every record ever produced. */
  readonly produced: number;
  /** Records still in Kafka (end − log start offsets). */
  readonly retained: number;
  readonly deadLetters: number;
}

export interface GroupLag {
  readonly group: string;
  readonly topic: string;
  /** Records in Kafka the group has not landed: Σ (end offset − stored offset). */
  readonly lag: number;
  readonly lastCommitAt: string | null;
}

export interface RunReport {
  readonly kind: 'job' | 'quality';
  readonly runId: string;
  readonly name: string;
  readonly logicalDate: string | null;
  readonly status: string;
  readonly startedAt: string;
  readonly seconds: number | null;
  readonly detail: string;
}

export interface PlatformReport {
  readonly topics: readonly TopicReport[];
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
  readonly ingestLag: readonly GroupLag[];
  readonly runs: readonly RunReport[];
  /** The Iceberg lake: its tables, and its gold against `processed` for the newest shared day. */
  readonly lake: LakeReport;
}

const TABLES = [
  'source.customers',
  'source.products',
  'source.orders',
  'source.order_items',
  'raw.customer_events',
  'raw.product_events',
  'raw.order_events',
  'raw.clickstream_events',
  'processed.dim_customers',
  'processed.dim_products',
  'processed.fact_orders',
  'processed.fact_order_items',
  'processed.daily_sales',
  'processed.product_performance',
  'processed.clickstream_sessions',
  'processed.realtime_order_metrics',
];

/**
 * What the platform holds now, read as the `analyst` role and from Kafka's offsets: events per
 * topic and dead letters, rows per table, each ingest group's lag, the latest batch,
 * streaming and quality runs with their state, and the lake (read with DuckDB).
 *
 * @example
 * ```ts
 * const report = await buildReport(loadConfig(), { runs: 10 });
 * report.ingestLag; // [{ group: 'datapark-ingest', topic: 'order-events', lag: 0, … }]
 * ```
 */
export async function buildReport(
  config: DataparkConfig,
  options: { runs?: number } = {},
): Promise<PlatformReport> {
  const connection = connectionFromConfig(config, 'datapark-etl-report');
  const pool = createPool(config, 'analyst', { max: 2 });
  try {
    const watermarks = await fetchWatermarks(connection, TOPIC_NAMES);
    const dlqWatermarks = await fetchWatermarks(
      connection,
      TOPIC_NAMES.map((t) => TOPIC_CATALOG[t].dlq),
    );
    const sum = (ws: typeof watermarks, topic: string, f: (w: (typeof ws)[number]) => bigint) =>
      Number(ws.filter((w) => w.topic === topic).reduce((s, w) => s + f(w), 0n));
    const topics = TOPIC_NAMES.map((topic) => ({
      topic,
      produced: sum(watermarks, topic, (w) => w.high),
      retained: sum(watermarks, topic, (w) => w.high - w.low),
      deadLetters: sum(dlqWatermarks, TOPIC_CATALOG[topic].dlq, (w) => w.high - w.low),
    }));

    const counts = await pool.query<{ table: string; rows: string }>(
      TABLES.map((t, i) => `SELECT ${i} AS i, '${t}' AS table, count(*) AS rows FROM ${t}`).join(
        ' UNION ALL ',
      ) + ' ORDER BY i',
    );
    const tables = counts.rows.map((r) => ({ table: r.table, rows: Number(r.rows) }));

    const stored = await pool.query<{
      consumer_group: string;
      topic: string;
      partition: number;
      next_offset: string;
      updated_at: Date;
    }>(
      'SELECT consumer_group, topic, partition, next_offset, updated_at FROM etl.consumer_offsets',
    );
    const ends = new Map(watermarks.map((w) => [`${w.topic}:${w.partition}`, w.high]));
    const lagByGroupTopic = new Map<string, { lag: bigint; last: Date | null }>();
    for (const row of stored.rows) {
      const key = `${row.consumer_group}\u0000${row.topic}`;
      const entry = lagByGroupTopic.get(key) ?? { lag: 0n, last: null };
      const end = ends.get(`${row.topic}:${row.partition}`) ?? 0n;
      const behind = end - BigInt(row.next_offset);
      entry.lag += behind > 0n ? behind : 0n;
      if (!entry.last || row.updated_at > entry.last) entry.last = row.updated_at;
      lagByGroupTopic.set(key, entry);
    }
    const ingestLag = [...lagByGroupTopic]
      .map(([key, { lag, last }]) => {
        const [group, topic] = key.split('\u0000') as [string, string];
        return { group, topic, lag: Number(lag), lastCommitAt: last?.toISOString() ?? null };
      })
      .sort((a, b) => (b.lastCommitAt ?? '').localeCompare(a.lastCommitAt ?? ''));

    const limit = options.runs ?? 10;
    const jobs = await pool.query<{
      run_id: string;
      job_name: string;
      logical_date: string | null;
      status: string;
      started_at: Date;
      seconds: number | null;
      rows_written: string | null;
      details: Record<string, unknown> | null;
    }>(
      `SELECT run_id, job_name, logical_date, status, started_at,
              extract(epoch FROM finished_at - started_at)::float AS seconds, rows_written, details
         FROM etl.job_runs ORDER BY started_at DESC LIMIT $1`,
      [limit],
    );
    const checks = await pool.query<{
      run_id: string;
      status: string;
      started_at: Date;
      seconds: number | null;
      failed: string[] | null;
      total: number;
    }>(
      `SELECT r.run_id, r.status, r.started_at,
              extract(epoch FROM r.finished_at - r.started_at)::float AS seconds,
              array_agg(c.check_name ORDER BY c.check_name) FILTER (WHERE NOT c.passed) AS failed,
              count(c.check_name)::int AS total
         FROM quality.check_runs r LEFT JOIN quality.check_results c USING (run_id)
        GROUP BY r.run_id ORDER BY r.started_at DESC LIMIT $1`,
      [Math.min(limit, 5)],
    );
    const runs: RunReport[] = [
      ...jobs.rows.map((r) => ({
        kind: 'job' as const,
        runId: r.run_id,
        name: r.job_name,
        logicalDate: r.logical_date,
        status: r.status,
        startedAt: r.started_at.toISOString(),
        seconds: r.seconds,
        detail: [
          r.rows_written !== null ? `${r.rows_written} rows` : '',
          typeof r.details?.['submissionId'] === 'string' ? r.details['submissionId'] : '',
          typeof r.details?.['mode'] === 'string' ? `via ${r.details['mode']}` : '',
        ]
          .filter(Boolean)
          .join(', '),
      })),
      ...checks.rows.map((r) => ({
        kind: 'quality' as const,
        runId: r.run_id,
        name: 'quality check',
        logicalDate: null,
        status: r.status,
        startedAt: r.started_at.toISOString(),
        seconds: r.seconds,
        detail: r.failed?.length
          ? `${r.failed.length}/${r.total} not passed: ${r.failed.join(', ')}`
          : `${r.total}/${r.total} passed`,
      })),
    ].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return { topics, tables, ingestLag, runs, lake: await buildLakeReport(config) };
  } finally {
    await pool.end();
  }
}
