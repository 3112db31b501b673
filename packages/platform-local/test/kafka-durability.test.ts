import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import { sampleEvents } from '@datapark/events';
import {
  connectionFromConfig,
  createKafka,
  EventProducer,
  HEADERS,
  headerText,
  readRange,
  topicEndOffsets,
} from '@datapark/kafka';
import { silentReporter } from '@datapark/platform';
import { defaultComponents, LocalPlatform } from '@datapark/platform-local';

const TOTAL = Number(process.env['DATAPARK_DURABILITY_EVENTS'] ?? 100_000);
const BATCH = 500;
// product-events: no streaming job reads it, so 100k test events burden nothing downstream.
const TOPIC = 'product-events';

describe('the local Kafka cluster', () => {
  it(`loses and duplicates nothing acknowledged while a broker is stopped and restarted (${TOTAL} events, acks=all)`, async () => {
    const connection = connectionFromConfig(loadConfig(), 'durability-test');
    const platform = new LocalPlatform({
      components: defaultComponents().filter((c) => c.name === 'kafka'),
      reporter: silentReporter,
    });
    // kafka-2 must lead some partitions when it stops, or the test proves nothing: move
    // leadership back to the preferred replicas (a restart in an earlier run took it away).
    const election = spawnSync(
      'java',
      [
        '-Xmx256m',
        '-cp',
        `${join(import.meta.dirname, '..', '..', '..', '.tools', 'jars', 'kafka')}/*`,
        'org.apache.kafka.tools.LeaderElectionCommand',
        '--bootstrap-server',
        connection.brokers.join(','),
        '--election-type',
        'preferred',
        '--all-topic-partitions',
      ],
      { encoding: 'utf8' },
    );
    expect(election.status).toBe(0);
    const admin = createKafka(connection).admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    await admin.disconnect();
    const ledByKafka2 = metadata.topics[0]!.partitions.filter((p) => p.leader === 2).length;
    expect(ledByKafka2).toBeGreaterThan(0);

    const producerName = `durability-${randomUUID()}`;
    const before = await topicEndOffsets(connection, TOPIC);
    const producer = await EventProducer.connect(connection, { compression: 'none' });
    const acked = new Set<string>();
    let brokerWork: Promise<void> = Promise.resolve();
    try {
      for (let sent = 0; sent < TOTAL; sent += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, TOTAL - sent) }, () => {
          const event = sampleEvents.product();
          return { ...event, producer: producerName };
        });
        await producer.send(TOPIC, batch);
        for (const event of batch) acked.add(event.event_id);
        // A third of the way in, take kafka-2 down; at two thirds, bring it back. Producing goes on.
        if (sent === Math.floor(TOTAL / 3 / BATCH) * BATCH) brokerWork = platform.stop('kafka-2');
        if (sent === Math.floor((2 * TOTAL) / 3 / BATCH) * BATCH) {
          await brokerWork;
          brokerWork = platform.start('kafka-2');
        }
      }
      await brokerWork;
    } finally {
      await producer.disconnect();
      // Leave the cluster whole for whatever runs next, even when the test failed midway.
      await platform.start('kafka-2');
    }
    expect((await platform.status())[0]?.units.map((u) => u.state)).toEqual([
      'running',
      'running',
      'running',
    ]);

    const records = await readRange(connection, TOPIC, before, { timeoutMs: 300_000 });
    const counts = new Map<string, number>();
    for (const { message } of records) {
      const id = headerText(message.headers?.[HEADERS.eventId]);
      if (id && acked.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const lost = [...acked].filter((id) => !counts.has(id));
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect({ acknowledged: acked.size, lost: lost.length, duplicated: duplicated.length }).toEqual({
      acknowledged: TOTAL,
      lost: 0,
      duplicated: 0,
    });
  }, 900_000);
});
