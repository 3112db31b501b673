import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { loadConfig } from '@datapark/config';
import { connectionFromConfig, createKafka } from '@datapark/kafka';
import { renderLagMetrics } from '../src/monitoring/kafka-lag/lag-metrics.js';
import {
  serveLagExporter,
  type LagExporter,
} from '../src/monitoring/kafka-lag/serve-lag-exporter.js';
import { freePort } from './fixtures.js';

const { logLevel } = kafkajs;

describe('renderLagMetrics', () => {
  it("writes kafka_exporter's metrics: offsets per partition, lag per group never below zero", () => {
    const text = renderLagMetrics({
      partitions: [
        { topic: 'orders', partition: 0, low: 2n, high: 10n },
        { topic: 'orders', partition: 1, low: 0n, high: 4n },
      ],
      committed: [
        { group: 'ingest', topic: 'orders', partition: 0, offset: 7n },
        // Committed past the end (a topic recreated): lag 0, not -2.
        { group: 'ingest', topic: 'orders', partition: 1, offset: 6n },
        // A partition Kafka no longer reports: no lag series.
        { group: 'ingest', topic: 'gone', partition: 0, offset: 1n },
      ],
      members: new Map([
        ['ingest', 2],
        ['left-behind', 0],
      ]),
    });
    expect(text).toContain('kafka_topic_partition_current_offset{topic="orders",partition="0"} 10');
    expect(text).toContain('kafka_topic_partition_oldest_offset{topic="orders",partition="0"} 2');
    expect(text).toContain(
      'kafka_consumergroup_lag{consumergroup="ingest",topic="orders",partition="0"} 3',
    );
    expect(text).toContain(
      'kafka_consumergroup_lag{consumergroup="ingest",topic="orders",partition="1"} 0',
    );
    expect(text).not.toMatch(/kafka_consumergroup_lag\{[^}]*topic="gone"/);
    expect(text).toContain('kafka_consumergroup_members{consumergroup="ingest"} 2');
    expect(text).toContain('kafka_consumergroup_members{consumergroup="left-behind"} 0');
    expect(text).toContain('# TYPE kafka_consumergroup_lag gauge');
  });

  it('escapes label values', () => {
    const text = renderLagMetrics({
      partitions: [],
      committed: [{ group: 'a"b\\c', topic: 't', partition: 0, offset: 0n }],
    });
    expect(text).toContain('consumergroup="a\\"b\\\\c"');
  });
});

describe('the Kafka lag exporter against the platform Kafka', () => {
  const config = loadConfig();
  const connection = {
    ...connectionFromConfig(config, 'lag-exporter-test'),
    logLevel: logLevel.NOTHING,
  };
  const topic = `lag-exporter-test-${randomUUID()}`;
  const group = `lag-exporter-test-${randomUUID()}`;
  const kafka = createKafka(connection);
  const admin = kafka.admin();
  let exporter: LagExporter | undefined;

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    const producer = kafka.producer();
    await producer.connect();
    const records = (n: number, partition: number) =>
      Array.from({ length: n }, (_, i) => ({ value: `r${i}`, partition }));
    await producer.send({ topic, messages: [...records(10, 0), ...records(4, 1)] });
    await producer.disconnect();
    // The group has read 7 of partition 0 and nothing of partition 1.
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '7' }] });
  }, 60_000);

  afterAll(async () => {
    await exporter?.close();
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }, 60_000);

  it("serves a group's lag per partition and the topic's end offsets on GET /metrics", async () => {
    const port = await freePort();
    exporter = await serveLagExporter({ connection, host: '127.0.0.1', port, log: () => {} });
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(
      `kafka_consumergroup_lag{consumergroup="${group}",topic="${topic}",partition="0"} 3`,
    );
    expect(text).toContain(
      `kafka_consumergroup_current_offset{consumergroup="${group}",topic="${topic}",partition="0"} 7`,
    );
    // Nothing committed on partition 1: its end offset, no lag series for the group.
    expect(text).toContain(
      `kafka_topic_partition_current_offset{topic="${topic}",partition="1"} 4`,
    );
    expect(text).not.toContain(`consumergroup="${group}",topic="${topic}",partition="1"`);
    // Offsets set by the admin client: a group without members.
    expect(text).toContain(`kafka_consumergroup_members{consumergroup="${group}"} 0`);
    // Internal topics are left out.
    expect(text).not.toContain('topic="__consumer_offsets"');
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
  }, 60_000);
});

describe('serveLagExporter without Kafka', () => {
  it('answers 503 with the reason after one retry on a fresh connection, and logs both', async () => {
    const lines: string[] = [];
    // A port nothing listens on: every connection is refused.
    const dead = { brokers: [`127.0.0.1:${await freePort()}`], logLevel: logLevel.NOTHING };
    const port = await freePort();
    const exporter = await serveLagExporter({
      connection: dead,
      host: '127.0.0.1',
      port,
      log: (line) => lines.push(line),
    });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/^Kafka: .*ECONNREFUSED|^Kafka: .*[Cc]onnect/);
      expect(lines.filter((l) => l.includes('reconnecting once'))).toHaveLength(1);
      expect(lines.filter((l) => l.includes('reading Kafka failed:'))).toHaveLength(1);
    } finally {
      await exporter.close();
    }
  }, 60_000);
});
