import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import type { KafkaConnection } from './create-kafka.js';
import { createKafka } from './create-kafka.js';
import { KafkaError } from './errors.js';
import { fetchWatermarks } from './watermarks.js';

/** Partition → offset, as Kafka counts them (strings: they may exceed 2^53). */
export type PartitionOffsets = ReadonlyMap<number, string>;

/**
 * The next offset of every partition of a topic: where records produced from now on land.
 * Through fetchWatermarks, which retries: right after a broker comes back, Kafka moves the
 * leadership of its partitions back to it, and a broker asked in between answers "This server
 * is not the leader for that topic-partition" (the failure drill hit it once).
 */
export async function topicEndOffsets(
  connection: KafkaConnection,
  topic: string,
): Promise<PartitionOffsets> {
  const marks = await fetchWatermarks(connection, [topic]);
  return new Map(marks.map((w) => [w.partition, String(w.high)]));
}

export interface RangeRecord {
  readonly partition: number;
  readonly message: KafkaMessage;
}

/**
 * Reads a topic from `from` up to `until` (default: its end offsets now), with a throwaway
 * consumer group that commits nothing. For checks, reports and notebooks: "what landed
 * between here and there".
 */
export async function readRange(
  connection: KafkaConnection,
  topic: string,
  from: PartitionOffsets,
  options: { until?: PartitionOffsets; timeoutMs?: number } = {},
): Promise<RangeRecord[]> {
  const end = options.until ?? (await topicEndOffsets(connection, topic));
  const remaining = new Map(
    [...end].filter(([p, high]) => BigInt(high) > BigInt(from.get(p) ?? '0')),
  );
  const records: RangeRecord[] = [];
  if (remaining.size === 0) return records;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const consumer = createKafka(connection).consumer({
    groupId: `datapark-read-range-${randomUUID()}`,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KafkaError(
            `reading ${topic}: partitions ${[...remaining.keys()].join(', ')} not read to their end in ${timeoutMs} ms`,
            { code: 'READ_TIMEOUT', hint: 'are all three brokers up? npx nx run platform:status' },
          ),
        ),
      timeoutMs,
    );
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const target = remaining.get(batch.partition);
          if (target === undefined || BigInt(message.offset) >= BigInt(target)) continue;
          records.push({ partition: batch.partition, message });
          if (BigInt(message.offset) + 1n >= BigInt(target)) remaining.delete(batch.partition);
        }
        if (remaining.size === 0) resolve();
      },
    });
    for (const [partition, offset] of from) consumer.seek({ topic, partition, offset });
  });
  try {
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return records;
}
