import { randomUUID } from 'node:crypto';
import { sampleEvents } from '@datapark/events';
import type { PartitionOffsets } from '@datapark/kafka';
import { EventProducer, HEADERS, headerText, KafkaError, UncheckedProducer } from '@datapark/kafka';
import { connection, endOffsets, readFrom } from './fixtures.js';

// product-events: no streaming job reads it.
const topic = 'product-events';

let events: EventProducer;
let unchecked: UncheckedProducer;
beforeAll(async () => {
  [events, unchecked] = await Promise.all([
    EventProducer.connect(connection, { compression: 'none' }),
    UncheckedProducer.connect(connection),
  ]);
});
afterAll(() => Promise.all([events.disconnect(), unchecked.disconnect()]));

/** The records of one key written since `before`, oldest first. */
async function recordsOfKey(before: PartitionOffsets, key: string) {
  return (await readFrom(topic, before)).filter((r) => r.message.key?.toString() === key);
}

describe("@datapark/kafka's producers", () => {
  it('keeps the order of sends that overlap on one key, and gives each its own offset', async () => {
    const productId = randomUUID();
    const sent = Array.from({ length: 30 }, () => sampleEvents.product({ product_id: productId }));
    const before = await endOffsets(topic);
    // Not awaited one by one: later sends queue behind the request in flight and are merged.
    const results = await Promise.all(sent.map((event) => events.send(topic, [event])));
    const landed = await recordsOfKey(before, productId);
    expect(landed.map((r) => headerText(r.message.headers?.[HEADERS.eventId]))).toEqual(
      sent.map((e) => e.event_id),
    );
    expect(results.map((r) => r[0]?.baseOffset)).toEqual(landed.map((r) => r.message.offset));
  });

  it('splits a send too big for one request into several, in order, and resolves once all are acknowledged', async () => {
    const productId = randomUUID();
    // About 1.4 MB on one partition: more than one request carries (768 KiB).
    const sent = Array.from({ length: 3000 }, () =>
      sampleEvents.product({ product_id: productId }),
    );
    const before = await endOffsets(topic);
    const [result, ...others] = await events.send(topic, sent);
    expect(others).toEqual([]);
    const landed = await recordsOfKey(before, productId);
    expect(landed.map((r) => headerText(r.message.headers?.[HEADERS.eventId]))).toEqual(
      sent.map((e) => e.event_id),
    );
    expect(result?.baseOffset).toBe(landed[0]?.message.offset);
  });

  it('keeps a repeated header name repeated, as a dead letter must keep its source headers', async () => {
    const key = randomUUID();
    const before = await endOffsets(topic);
    await unchecked.send(topic, [{ key, value: 'x', headers: { 'x-repeated': ['one', 'two'] } }]);
    const [record] = await recordsOfKey(before, key);
    const values = [record?.message.headers?.['x-repeated']].flat().map((v) => v?.toString());
    expect(values).toEqual(['one', 'two']);
  });

  it('fails to connect in seconds when no broker answers, naming the refused address', async () => {
    const started = Date.now();
    await expect(EventProducer.connect({ brokers: ['127.0.0.1:1'] })).rejects.toMatchObject({
      code: 'KAFKA_UNREACHABLE',
      message: expect.stringContaining('ECONNREFUSED 127.0.0.1:1'),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a topic that does not exist, saying so', async () => {
    const missing = `no-such-topic-${randomUUID()}`;
    const attempt = unchecked.send(missing, [{ key: 'k', value: 'v' }]);
    await expect(attempt).rejects.toBeInstanceOf(KafkaError);
    await expect(attempt).rejects.toMatchObject({
      code: 'TOPIC_MISSING',
      message: `topic ${missing} does not exist`,
    });
  });
});
