import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { KafkaConnection } from './create-kafka.js';
import { createKafka } from './create-kafka.js';

/** A partition's log start (`low`) and end (`high`) offsets. */
export interface PartitionWatermarks {
  readonly topic: string;
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
}

/**
 * Reads the log start and end offsets of topics, on one admin connection kept open between
 * reads (progress lines ask every few seconds).
 */
export class WatermarkReader {
  private constructor(private readonly admin: Admin) {}

  static async connect(connection: KafkaConnection): Promise<WatermarkReader> {
    const admin = createKafka(connection).admin();
    await admin.connect();
    return new WatermarkReader(admin);
  }

  /**
   * Every partition of the topics, sorted by topic and partition. One topic at a time, with a
   * few retries: kafkajs 2.2.4's fetchTopicOffsets can throw a TypeError ("Cannot destructure
   * property 'partitions' of 'high.pop(...)'") when calls overlap or a leader just moved.
   */
  async read(topics: readonly string[]): Promise<PartitionWatermarks[]> {
    const out: PartitionWatermarks[] = [];
    for (const topic of topics) {
      for (let attempt = 0; ; attempt++) {
        try {
          for (const o of await this.admin.fetchTopicOffsets(topic))
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

  async disconnect(): Promise<void> {
    await this.admin.disconnect();
  }
}

/**
 * One read of the topics' watermarks, on a connection of its own. When the reads keep failing
 * (a leader moved and this admin's metadata still names the old one), a fresh connection, with
 * fresh metadata, tries again.
 */
export async function fetchWatermarks(
  connection: KafkaConnection,
  topics: readonly string[],
): Promise<PartitionWatermarks[]> {
  for (let attempt = 0; ; attempt++) {
    const reader = await WatermarkReader.connect(connection);
    try {
      return await reader.read(topics);
    } catch (error) {
      if (attempt >= 2) throw error;
    } finally {
      await reader.disconnect();
    }
    await sleep(1000 * (attempt + 1));
  }
}
