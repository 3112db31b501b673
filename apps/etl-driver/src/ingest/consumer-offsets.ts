import type { ClientBase, Pool } from '@datapark/db';
import type { PartitionWatermarks } from '@datapark/kafka';

/** `topic:partition`, the key of every per-partition map here. */
export type PartitionKey = `${string}:${number}`;
export const partitionKey = (topic: string, partition: number): PartitionKey =>
  `${topic}:${partition}`;

/** The next offset to consume, per partition, as `etl.consumer_offsets` stores it for a group. */
export async function readStoredOffsets(
  pool: Pool | ClientBase,
  group: string,
  topics?: readonly string[],
): Promise<Map<PartitionKey, bigint>> {
  const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string }>(
    `SELECT topic, partition, next_offset FROM etl.consumer_offsets
      WHERE consumer_group = $1 AND ($2::text[] IS NULL OR topic = ANY($2))`,
    [group, topics ? [...topics] : null],
  );
  return new Map(rows.map((r) => [partitionKey(r.topic, r.partition), BigInt(r.next_offset)]));
}

/**
 * Gives every partition the group has no stored offset for a starting point: the oldest record
 * still in Kafka (`earliest`) or the end offset now (`latest`). Partitions that have one keep it.
 * Returns how many partitions were given a start.
 */
export async function initializeOffsets(
  pool: Pool,
  group: string,
  partitions: readonly PartitionWatermarks[],
  start: 'earliest' | 'latest',
): Promise<number> {
  if (partitions.length === 0) return 0;
  const { rowCount } = await pool.query(
    `INSERT INTO etl.consumer_offsets (consumer_group, topic, partition, next_offset)
     SELECT $1, t, p, o FROM unnest($2::text[], $3::int[], $4::bigint[]) AS u(t, p, o)
     ON CONFLICT (consumer_group, topic, partition) DO NOTHING`,
    [
      group,
      partitions.map((p) => p.topic),
      partitions.map((p) => p.partition),
      partitions.map((p) => String(start === 'earliest' ? p.low : p.high)),
    ],
  );
  return rowCount ?? 0;
}

/**
 * Moves a group's stored offsets to the oldest records still in Kafka or to the end offsets now,
 * for every partition given: the next `ingest` of that group starts there. Moving back replays:
 * records already in `raw` are skipped, records that fail validation go to the DLQ again.
 */
export async function resetOffsets(
  pool: Pool,
  group: string,
  partitions: readonly PartitionWatermarks[],
  to: 'earliest' | 'latest',
): Promise<void> {
  await pool.query(
    `INSERT INTO etl.consumer_offsets (consumer_group, topic, partition, next_offset)
     SELECT $1, t, p, o FROM unnest($2::text[], $3::int[], $4::bigint[]) AS u(t, p, o)
     ON CONFLICT (consumer_group, topic, partition)
     DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
    [
      group,
      partitions.map((p) => p.topic),
      partitions.map((p) => p.partition),
      partitions.map((p) => String(to === 'earliest' ? p.low : p.high)),
    ],
  );
}
