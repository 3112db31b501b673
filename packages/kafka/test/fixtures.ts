import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';
import { loadConfig } from '@datapark/config';
import { connectionFromConfig, createKafka } from '@datapark/kafka';

export const { Partitioners } = kafkajs;

/** The shared 3-node cluster the test run started. */
export const connection = connectionFromConfig(loadConfig(), 'datapark-kafka-tests');
export const kafka = createKafka(connection);

/** The next offset of every partition of a topic: where records produced from now on land. */
export async function endOffsets(topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

export interface ReadRecord {
  readonly partition: number;
  readonly message: KafkaMessage;
}

/**
 * Reads a topic from the given offsets until every partition reaches `until` (its end offsets
 * at the time of the call, unless given), with a consumer group of its own.
 */
export async function readFrom(
  topic: string,
  from: Map<number, string>,
  until?: Map<number, string>,
  timeoutMs = 60_000,
): Promise<ReadRecord[]> {
  const end = until ?? (await endOffsets(topic));
  const remaining = new Map(
    [...end].filter(([p, high]) => BigInt(high) > BigInt(from.get(p) ?? '0')),
  );
  const records: ReadRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({
    groupId: `test-reader-${randomUUID()}`,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `reading ${topic}: still waiting for partitions ${[...remaining.keys()]} after ${timeoutMs} ms`,
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
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
    for (const [partition, offset] of from) consumer.seek({ topic, partition, offset });
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  return records;
}
