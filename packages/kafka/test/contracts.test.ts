import { randomUUID } from 'node:crypto';
import type { EventOf } from '@datapark/events';
import { buildEvent } from '@datapark/events';
import type { DecodedRecord, PartitionOffsets } from '@datapark/kafka';
import {
  consumeBatches,
  decodeRecord,
  EventProducer,
  HEADERS,
  headerText,
  UNKNOWN_SCHEMA_VERSION,
  UncheckedProducer,
} from '@datapark/kafka';
import { connection, endOffsets, readFrom } from './fixtures.js';

const topic = 'clickstream';

const pageView = (session: string, version: 1 | 2) =>
  version === 1
    ? buildEvent(
        topic,
        'page_view',
        { session_id: session, customer_id: null, page: '/', referrer: null },
        { version: 1 },
      )
    : buildEvent(topic, 'page_view', {
        session_id: session,
        customer_id: null,
        page: '/',
        referrer: null,
        device: 'mobile',
      });

/**
 * Reads the topic from `from` with the batch consumer, decoding and dead-lettering as ingest
 * does, until `count` records of `session` were seen.
 */
async function consume(session: string, from: PartitionOffsets, count: number) {
  const decoded: DecodedRecord<typeof topic>[] = [];
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 90_000);
  await consumeBatches({
    connection,
    groupId: `contracts-test-${randomUUID()}`,
    topics: [topic],
    fromBeginning: false,
    onAssigned: async (assignment, seek) => {
      for (const partition of assignment.get(topic) ?? [])
        seek(topic, partition, BigInt(from.get(partition) ?? '0'));
    },
    eachBatch: async (batch, control) => {
      for (const record of batch.records) {
        if (record.key?.toString() !== session) continue;
        const result = decodeRecord(batch.topic, batch.partition, record);
        if (!result.ok) await control.deadLetter(result);
        decoded.push(result);
      }
      if (decoded.length >= count) stop.abort();
    },
    signal: stop.signal,
  });
  clearTimeout(timer);
  return decoded;
}

describe('versioned contracts on the real cluster', () => {
  it('puts the subject and version in headers, and one consumer reads v1 and v2: code written for v1 keeps working, code for v2 sees the new field', async () => {
    const session = randomUUID();
    const [v1, v2] = [pageView(session, 1), pageView(session, 2)];
    const before = await endOffsets(topic);
    const producer = await EventProducer.connect(connection);
    try {
      await producer.send(topic, [v1, v2]);
    } finally {
      await producer.disconnect();
    }
    const records = (await readFrom(topic, before)).filter(
      (r) => r.message.key?.toString() === session,
    );
    expect(
      records.map((r) => [
        headerText(r.message.headers?.[HEADERS.schemaSubject]),
        headerText(r.message.headers?.[HEADERS.schemaVersion]),
      ]),
    ).toEqual([
      ['clickstream-page_view', '1'],
      ['clickstream-page_view', '2'],
    ]);

    const decoded = await consume(session, before, 2);
    const events = decoded.map((d) => (d.ok ? d.event : d.reason));
    expect(events).toEqual([v1, v2]);
    // A reader written before v2 existed touches only v1's fields: both records serve it.
    const pagesSeenByV1Code = (events as EventOf<typeof topic>[]).map(
      (e) => e.event_type === 'page_view' && e.payload.page,
    );
    expect(pagesSeenByV1Code).toEqual(['/', '/']);
    // A v2 reader sees the device where the record has one.
    const devices = (events as EventOf<typeof topic>[]).map((e) =>
      e.event_type === 'page_view' && e.schema_version === 2 ? e.payload.device : undefined,
    );
    expect(devices).toEqual([undefined, 'mobile']);
  }, 120_000);

  it('sends a record of an unknown version to the DLQ with the reason and the code, told by its headers before its value is parsed, and goes on', async () => {
    const session = randomUUID();
    const good = pageView(session, 2);
    const v3 = { ...pageView(session, 2), schema_version: 3 };
    const headers = (version: string) => ({
      [HEADERS.schemaSubject]: 'clickstream-page_view',
      [HEADERS.schemaVersion]: version,
    });
    const before = await endOffsets(topic);
    const dlqBefore = await endOffsets(`${topic}.dlq`);
    const raw = await UncheckedProducer.connect(connection);
    try {
      await raw.send(topic, [
        // Unknown in both the envelope and the headers.
        { key: session, value: JSON.stringify(v3), headers: headers('3') },
        // Unknown in the envelope of a record without headers (an older producer).
        { key: session, value: JSON.stringify(v3) },
        // The headers alone decide: this value is not even JSON.
        { key: session, value: '{"not json', headers: headers('9') },
        // Headers and envelope disagree.
        { key: session, value: JSON.stringify(good), headers: headers('1') },
        { key: session, value: JSON.stringify(good), headers: headers('2') },
      ]);
    } finally {
      await raw.disconnect();
    }
    const decoded = await consume(session, before, 5);
    expect(decoded.map((d) => d.ok)).toEqual([false, false, false, false, true]);

    const letters = (await readFrom(`${topic}.dlq`, dlqBefore)).filter(
      (r) => r.message.key?.toString() === session,
    );
    const reasonOf = (i: number) => headerText(letters[i]!.message.headers?.[HEADERS.dlqReason]);
    const codeOf = (i: number) => headerText(letters[i]!.message.headers?.[HEADERS.dlqErrorCode]);
    expect(letters).toHaveLength(4);
    expect(reasonOf(0)).toMatch(
      /^unknown schema version 3 of clickstream-page_view \(published: 1, 2\): a producer newer than this reader/,
    );
    expect(reasonOf(1)).toBe(reasonOf(0));
    expect(reasonOf(2)).toMatch(/^unknown schema version 9 of clickstream-page_view/);
    expect([codeOf(0), codeOf(1), codeOf(2)]).toEqual(Array(3).fill(UNKNOWN_SCHEMA_VERSION));
    expect(reasonOf(3)).toBe("the schema-version header says 1, the envelope's schema_version 2");
    // The dead letter keeps the original value and headers, for a replay once the reader knows v3.
    expect(letters[0]!.message.value?.toString()).toBe(JSON.stringify(v3));
    expect(headerText(letters[0]!.message.headers?.[HEADERS.schemaVersion])).toBe('3');
  }, 120_000);
});
