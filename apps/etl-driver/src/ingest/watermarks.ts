import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { PartitionWatermarks } from './consumer-offsets.js';

/**
 * The log start and end offsets of every partition of the topics, as the brokers see them now.
 * One topic at a time, with a few retries: kafkajs 2.2.4's fetchTopicOffsets can throw a
 * TypeError ("Cannot destructure property 'partitions' of 'high.pop(...)'") when calls overlap
 * or a partition's leader just moved.
 */
export async function fetchWatermarks(
  admin: Admin,
  topics: readonly string[],
): Promise<PartitionWatermarks[]> {
  const out: PartitionWatermarks[] = [];
  for (const topic of topics) {
    for (let attempt = 0; ; attempt++) {
      try {
        for (const o of await admin.fetchTopicOffsets(topic))
          out.push({ topic, partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) });
        break;
      } catch (error) {
        if (attempt >= 4) throw error;
        await sleep(250 * 2 ** attempt);
      }
    }
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
