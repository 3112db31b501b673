import type { Admin } from 'kafkajs';
import type { PartitionWatermarks } from './consumer-offsets.js';

/** The log start and end offsets of every partition of the topics, as the brokers see them now. */
export async function fetchWatermarks(
  admin: Admin,
  topics: readonly string[],
): Promise<PartitionWatermarks[]> {
  const perTopic = await Promise.all(
    topics.map(async (topic) =>
      (await admin.fetchTopicOffsets(topic)).map((o) => ({
        topic,
        partition: o.partition,
        low: BigInt(o.low),
        high: BigInt(o.high),
      })),
    ),
  );
  return perTopic
    .flat()
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
