import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IngestProgress } from '../ingest/ingest-progress.js';
import type { LandedBatch } from '../ingest/run-ingest.js';

/** What ingest reports to its metrics: each committed batch, and each progress tick. */
export interface IngestMetrics {
  readonly registry: Registry;
  readonly onBatch: (batch: LandedBatch) => void;
  readonly onProgress: (progress: IngestProgress) => void;
}

/**
 * Prometheus metrics of one ingest process, by consumer group and topic: rows landed, bytes
 * fetched, dead letters, records skipped, batch latency, lag, when it last committed, and the
 * process's own (RSS, heap, GC). Every topic starts at 0, so a stalled ingest shows as a flat
 * counter rather than a missing one.
 *
 * @example
 * ```ts
 * const metrics = createIngestMetrics('datapark-ingest', ['order-events']);
 * await runIngest({ config, onBatch: metrics.onBatch, onProgress: metrics.onProgress });
 * await metrics.registry.metrics(); // ingest_rows_total{group="datapark-ingest",topic="order-events"} 1234 …
 * ```
 */
export function createIngestMetrics(group: string, topics: readonly string[]): IngestMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ group });
  collectDefaultMetrics({ register: registry });
  const labelNames = ['topic'] as const;
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const rows = counter('ingest_rows_total', 'Rows copied into raw, per topic');
  const bytes = counter(
    'ingest_bytes_total',
    'Key and value bytes of the records landed or dead-lettered, per topic',
  );
  const deadLetters = counter(
    'ingest_dead_letters_total',
    'Records sent to <topic>.dlq, per topic',
  );
  const skipped = counter(
    'ingest_skipped_records_total',
    'Records not landed again (below the stored offset, or already in raw), per topic',
  );
  const batchSeconds = new Histogram({
    name: 'ingest_batch_duration_seconds',
    help: 'One partition batch from handing it to PostgreSQL to its commit (retries included), per topic',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'ingest_lag_records',
    help: 'Records in Kafka not yet landed for the group (end offset minus stored offset), per topic',
    labelNames,
    registers: [registry],
  });
  const lastCommit = new Gauge({
    name: 'ingest_last_commit_timestamp_seconds',
    help: 'Unix time of the last committed batch (0 before the first)',
    registers: [registry],
  });
  const postgresDown = new Gauge({
    name: 'ingest_postgres_unreachable_seconds',
    help: 'How long PostgreSQL has been unreachable (0 when it answers)',
    registers: [registry],
  });
  for (const topic of topics) {
    for (const c of [rows, bytes, deadLetters, skipped]) c.inc({ topic }, 0);
    lag.set({ topic }, 0);
  }
  lastCommit.set(0);
  postgresDown.set(0);

  return {
    registry,
    onBatch(batch) {
      const topic = batch.topic;
      rows.inc({ topic }, batch.rows);
      bytes.inc({ topic }, batch.bytes);
      deadLetters.inc({ topic }, batch.deadLetters);
      skipped.inc({ topic }, batch.skipped);
      batchSeconds.observe({ topic }, batch.seconds);
      lastCommit.set(Date.now() / 1000);
    },
    onProgress(progress) {
      for (const [topic, records] of Object.entries(progress.lag)) lag.set({ topic }, records);
      postgresDown.set(progress.postgresDownSeconds ?? 0);
    },
  };
}
