import type { Pool } from '@datapark/db';
import type { KafkaConnection, PartitionOffsets } from '@datapark/kafka';
import { HEADERS, headerText, readRange, topicEndOffsets } from '@datapark/kafka';
import type { TopicName } from '@datapark/events';
import { TOPIC_CATALOG } from '@datapark/events';
import { RAW_TABLE_OF } from '../ingest/raw-tables.js';

/** Where every topic and its DLQ ended at one moment: the bounds of a drill's window. */
export interface TopicMarks {
  readonly topics: ReadonlyMap<TopicName, PartitionOffsets>;
  readonly dlqs: ReadonlyMap<TopicName, PartitionOffsets>;
}

export async function markTopics(
  connection: KafkaConnection,
  topics: readonly TopicName[],
): Promise<TopicMarks> {
  const marks = new Map<TopicName, PartitionOffsets>();
  const dlqs = new Map<TopicName, PartitionOffsets>();
  for (const topic of topics) {
    marks.set(topic, await topicEndOffsets(connection, topic));
    dlqs.set(topic, await topicEndOffsets(connection, TOPIC_CATALOG[topic].dlq));
  }
  return { topics: marks, dlqs };
}

export interface WindowReconciliation {
  /** Records Kafka holds between the two marks. */
  readonly produced: number;
  readonly landed: number;
  readonly deadLettered: number;
  /** Positions in neither `raw` nor a DLQ. */
  readonly lost: number;
  /** Rows beyond one per event id or Kafka position. */
  readonly duplicated: number;
}

/**
 * Kafka against `raw` and the DLQs for the records between two marks: each position must be in
 * `raw` once or in its topic's DLQ; an event id landed twice (a producer's retry that got
 * through twice) counts as duplicated too.
 */
export async function reconcileWindow(
  db: Pool,
  connection: KafkaConnection,
  from: TopicMarks,
  to: TopicMarks,
): Promise<WindowReconciliation> {
  let produced = 0;
  let landed = 0;
  let deadLettered = 0;
  let lost = 0;
  let duplicated = 0;
  for (const [topic, ends] of to.topics) {
    const starts = from.topics.get(topic)!;
    const dead = new Set<string>();
    for (const { message } of await readRange(
      connection,
      TOPIC_CATALOG[topic].dlq,
      from.dlqs.get(topic)!,
    )) {
      const partition = headerText(message.headers?.[HEADERS.dlqSourcePartition]);
      const offset = headerText(message.headers?.[HEADERS.dlqSourceOffset]);
      if (partition !== undefined && offset !== undefined) dead.add(`${partition}:${offset}`);
    }
    for (const [partition, end] of ends) {
      const start = BigInt(starts.get(partition) ?? '0');
      const stop = BigInt(end);
      if (stop <= start) continue;
      produced += Number(stop - start);
      const { rows } = await db.query<{ kafka_offset: string }>(
        `SELECT kafka_offset FROM ${RAW_TABLE_OF[topic]}
          WHERE kafka_topic = $1 AND kafka_partition = $2 AND kafka_offset >= $3 AND kafka_offset < $4`,
        [topic, partition, String(start), String(stop)],
      );
      const offsets = new Set(rows.map((r) => r.kafka_offset));
      landed += offsets.size;
      duplicated += rows.length - offsets.size;
      for (let offset = start; offset < stop; offset++) {
        if (offsets.has(String(offset))) continue;
        if (dead.has(`${partition}:${offset}`)) deadLettered++;
        else lost++;
      }
      const ids = await db.query<{ extra: number }>(
        `SELECT (count(*) - count(DISTINCT event_id))::int AS extra FROM ${RAW_TABLE_OF[topic]}
          WHERE kafka_topic = $1 AND kafka_partition = $2 AND kafka_offset >= $3 AND kafka_offset < $4`,
        [topic, partition, String(start), String(stop)],
      );
      duplicated += ids.rows[0]?.extra ?? 0;
    }
  }
  return { produced, landed, deadLettered, lost, duplicated };
}
