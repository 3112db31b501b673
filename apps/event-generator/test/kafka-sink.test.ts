import { randomUUID } from 'node:crypto';
import { loadConfig } from '@datapark/config';
import { TOPIC_NAMES } from '@datapark/events';
import { kafkaSink, parseSimulationConfig, ShopSimulation } from '../src/index.js';
import { connectionFromConfig, readRange, topicEndOffsets } from '@datapark/kafka';

describe('the Kafka sink, end to end on the real cluster', () => {
  it('delivers every generated event: counts per topic reconcile with what a consumer reads back', async () => {
    const config = loadConfig();
    const connection = connectionFromConfig(config, 'generator-test');
    const producer = `generator-test-${randomUUID()}`;
    const before = new Map(
      await Promise.all(
        TOPIC_NAMES.map(async (t) => [t, await topicEndOffsets(connection, t)] as const),
      ),
    );

    const generated = new Map<string, number>();
    const sink = await kafkaSink(config, 200);
    for (const event of new ShopSimulation(
      parseSimulationConfig({ seed: producer, producer }),
    ).events({ count: 5_000 })) {
      generated.set(event.topic, (generated.get(event.topic) ?? 0) + 1);
      await sink.write(event);
    }
    await sink.close();
    expect(Object.fromEntries(sink.sent)).toEqual(Object.fromEntries(generated));

    for (const topic of TOPIC_NAMES) {
      const records = await readRange(connection, topic, before.get(topic)!);
      const mine = records.filter(
        (r) => JSON.parse(r.message.value!.toString()).producer === producer,
      );
      expect([topic, mine.length]).toEqual([topic, generated.get(topic) ?? 0]);
    }
  }, 300_000);
});
