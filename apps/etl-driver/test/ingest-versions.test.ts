import { randomUUID } from 'node:crypto';
import { buildEvent, sampleEvents, TOPIC_CATALOG } from '@datapark/events';
import { HEADERS, UNKNOWN_SCHEMA_VERSION, UncheckedProducer } from '@datapark/kafka';
import {
  connection,
  deadLetters,
  endOffsets,
  freshGroup,
  ingestSummary,
  ingestTestFile,
  produce,
  runCli,
} from './fixtures.js';

const { analyst } = ingestTestFile();
const topic = 'clickstream';

describe('datapark-etl ingest of versioned events (docs/contracts.md)', () => {
  it('lands page_view v1 and v2 side by side with their version, the v2 device in the payload, and dead-letters an unknown version with the reason', async () => {
    const session = randomUUID();
    const group = await freshGroup('test-ingest-versions', [topic]);
    const dlqBefore = await endOffsets(TOPIC_CATALOG[topic].dlq);
    const v1 = sampleEvents.click({ session_id: session });
    const v2 = buildEvent(topic, 'page_view', {
      session_id: session,
      customer_id: null,
      page: '/',
      referrer: null,
      device: 'tablet',
    });
    const v2WithoutDevice = buildEvent(topic, 'page_view', {
      session_id: session,
      customer_id: null,
      page: '/cart',
      referrer: null,
    });
    await produce(topic, [v1, v2, v2WithoutDevice]);
    // A producer ahead of this reader: version 3 is published nowhere.
    const v3 = { ...v2, event_id: randomUUID(), schema_version: 3 };
    const unchecked = await UncheckedProducer.connect(connection);
    try {
      await unchecked.send(topic, [
        {
          key: session,
          value: JSON.stringify(v3),
          headers: {
            [HEADERS.schemaSubject]: 'clickstream-page_view',
            [HEADERS.schemaVersion]: '3',
          },
        },
      ]);
    } finally {
      await unchecked.disconnect();
    }

    const summary = ingestSummary(
      await runCli(['ingest', '--group', group, '--topics', topic, '--until-caught-up', '--json']),
    );
    expect(summary.stoppedBy).toBe('caught-up');
    const { rows } = await analyst.query<{
      event_id: string;
      schema_version: number;
      device: string | null;
    }>(
      `SELECT event_id, schema_version, payload->>'device' AS device
         FROM raw.clickstream_events WHERE session_id = $1 ORDER BY kafka_offset`,
      [session],
    );
    expect(rows).toEqual([
      { event_id: v1.event_id, schema_version: 1, device: null },
      { event_id: v2.event_id, schema_version: 2, device: 'tablet' },
      { event_id: v2WithoutDevice.event_id, schema_version: 2, device: null },
    ]);

    const letters = await deadLetters(topic, dlqBefore, session);
    expect(letters.map((l) => [JSON.parse(l.value!).event_id, l.code])).toEqual([
      [v3.event_id, UNKNOWN_SCHEMA_VERSION],
    ]);
    expect(letters[0]!.reason).toMatch(
      /^unknown schema version 3 of clickstream-page_view \(published: 1, 2\)/,
    );
    expect(summary.deadLetters).toBe(1);
  }, 120_000);
});
