import type { Admin } from 'kafkajs';
import type { KafkaConnection } from '@datapark/kafka';
import { createKafka, WatermarkReader } from '@datapark/kafka';
import type { CommittedOffset, LagSnapshot } from './lag-metrics.js';

/**
 * Reads what the lag metrics need from Kafka on connections kept open between scrapes: every
 * topic's watermarks (internal `__` topics left out) and every consumer group's committed
 * offsets.
 */
export class LagReader {
  private constructor(
    private readonly admin: Admin,
    private readonly watermarks: WatermarkReader,
  ) {}

  static async connect(connection: KafkaConnection): Promise<LagReader> {
    const admin = createKafka(connection).admin();
    await admin.connect();
    try {
      return new LagReader(admin, await WatermarkReader.connect(connection));
    } catch (error) {
      await admin.disconnect();
      throw error;
    }
  }

  async read(): Promise<LagSnapshot> {
    const topics = (await this.admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    const partitions = await this.watermarks.read(topics);
    const { groups } = await this.admin.listGroups();
    const committed: CommittedOffset[] = [];
    for (const { groupId } of groups) {
      for (const { topic, partitions: ps } of await this.admin.fetchOffsets({ groupId })) {
        for (const { partition, offset } of ps) {
          // -1: the group has no commit on this partition.
          if (BigInt(offset) >= 0n)
            committed.push({ group: groupId, topic, partition, offset: BigInt(offset) });
        }
      }
    }
    return { partitions, committed };
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.admin.disconnect(), this.watermarks.disconnect()]);
  }
}
