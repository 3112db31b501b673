import type { Admin } from 'kafkajs';
import type { KafkaConnection, PartitionWatermarks } from '@datapark/kafka';
import { createKafka } from '@datapark/kafka';
import type { CommittedOffset, LagSnapshot } from './lag-metrics.js';

/** What one read could not see: topics or groups deleted, or unreadable, while it ran. */
export interface LagReadResult extends LagSnapshot {
  readonly skipped: number;
}

/**
 * Reads what the lag metrics need from Kafka on one admin connection kept open between
 * scrapes: every topic's watermarks (internal `__` topics left out) and every consumer group's
 * committed offsets and members. Topics and groups come and go while it reads (tests create and delete
 * their own): one that fails is skipped and counted, not the whole read.
 */
export class LagReader {
  private constructor(private readonly admin: Admin) {}

  static async connect(connection: KafkaConnection): Promise<LagReader> {
    // One quick retry: a scrape that waits out kafkajs' default backoff outlives its timeout.
    const admin = createKafka(connection, {
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1000 },
    }).admin();
    await admin.connect();
    return new LagReader(admin);
  }

  async read(): Promise<LagReadResult> {
    let skipped = 0;
    const topics = (await this.admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    const partitions: PartitionWatermarks[] = [];
    // One topic at a time: kafkajs 2.2.4's fetchTopicOffsets can fail when calls overlap.
    for (const topic of topics) {
      try {
        for (const o of await this.admin.fetchTopicOffsets(topic))
          partitions.push({
            topic,
            partition: o.partition,
            low: BigInt(o.low),
            high: BigInt(o.high),
          });
      } catch {
        skipped++;
      }
    }
    const committed: CommittedOffset[] = [];
    const { groups } = await this.admin.listGroups();
    for (const { groupId } of groups) {
      try {
        for (const { topic, partitions: ps } of await this.admin.fetchOffsets({ groupId }))
          for (const { partition, offset } of ps)
            // -1: the group has no commit on this partition.
            if (BigInt(offset) >= 0n)
              committed.push({ group: groupId, topic, partition, offset: BigInt(offset) });
      } catch {
        skipped++;
      }
    }
    const members = new Map<string, number>();
    try {
      const described = await this.admin.describeGroups(groups.map((g) => g.groupId));
      for (const g of described.groups) members.set(g.groupId, g.members.length);
    } catch {
      skipped++;
    }
    return { partitions, committed, members, skipped };
  }

  async disconnect(): Promise<void> {
    await this.admin.disconnect();
  }
}
