/** A snapshot of a running ingest, for the progress line and for callers. */
export interface IngestProgress {
  readonly group: string;
  /** Rows copied into `raw` since start. */
  readonly rows: number;
  readonly deadLetters: number;
  /** Records not landed again: below the stored offset, or already in `raw`. */
  readonly skipped: number;
  /** Rows per second over the last interval. */
  readonly rowsPerSecond: number;
  /** Records in Kafka not yet landed for this group, per topic (end offset − stored offset). */
  readonly lag: Readonly<Record<string, number>>;
  /** Seconds the PostgreSQL connection has been down, when it is. */
  readonly postgresDownSeconds?: number;
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * One human line: `ingest[etl-ingest]: 45,210 rows (12,400 rows/s), 3 dead letters, lag 1,204
 * (order-events 1,000, clickstream 204)`.
 */
export function formatProgress(p: IngestProgress): string {
  const totalLag = Object.values(p.lag).reduce((a, b) => a + b, 0);
  const perTopic = Object.entries(p.lag)
    .filter(([, lag]) => lag > 0)
    .map(([topic, lag]) => `${topic} ${n(lag)}`)
    .join(', ');
  return (
    `ingest[${p.group}]: ${n(p.rows)} rows (${n(p.rowsPerSecond)} rows/s), ` +
    `${n(p.deadLetters)} dead letters, ${p.skipped ? `${n(p.skipped)} skipped, ` : ''}` +
    `lag ${n(totalLag)}${perTopic ? ` (${perTopic})` : ''}` +
    (p.postgresDownSeconds !== undefined
      ? ` — PostgreSQL unreachable for ${p.postgresDownSeconds.toFixed(0)} s, retrying`
      : '')
  );
}
