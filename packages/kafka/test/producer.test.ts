import type { EventOf } from '@datapark/events';
import { sampleEvents } from '@datapark/events';
import {
  EventProducer,
  EventValidationError,
  HEADERS,
  headerText,
  runEventConsumer,
  UnknownTopicError,
} from '@datapark/kafka';
import { connection, endOffsets, readFrom } from './fixtures.js';

let producer: EventProducer;
beforeAll(async () => {
  producer = await EventProducer.connect(connection);
});
afterAll(() => producer.disconnect());

describe('EventProducer', () => {
  it.each([
    ['customer-events', () => sampleEvents.customer()],
    ['product-events', () => sampleEvents.product()],
    ['order-events', () => sampleEvents.order()],
    ['clickstream', () => sampleEvents.click()],
  ] as const)('round-trips an event through %s with its key and headers', async (topic, make) => {
    const event = make();
    const before = await endOffsets(topic);
    await producer.send(topic, [event] as never);
    const records = await readFrom(topic, before);
    const mine = records.filter(
      (r) => headerText(r.message.headers?.[HEADERS.eventId]) === event.event_id,
    );
    expect(mine).toHaveLength(1);
    const { message } = mine[0]!;
    expect(JSON.parse(message.value!.toString())).toEqual(event);
    const keyField = {
      'customer-events': 'customer_id',
      'product-events': 'product_id',
      'order-events': 'order_id',
      clickstream: 'session_id',
    }[topic];
    expect(message.key?.toString()).toBe((event.payload as Record<string, string>)[keyField]);
    expect(headerText(message.headers?.[HEADERS.eventType])).toBe(event.event_type);
    expect(headerText(message.headers?.[HEADERS.schemaVersion])).toBe('1');
    expect(headerText(message.headers?.[HEADERS.contentType])).toBe('application/json');
  });

  it('refuses an invalid event before anything of the batch reaches the broker', async () => {
    const good = sampleEvents.order();
    const bad = {
      ...sampleEvents.order(),
      payload: { ...sampleEvents.order().payload, total_amount: 12.5 },
    };
    const before = await endOffsets('order-events');
    const attempt = producer.send('order-events', [
      good,
      bad as unknown as EventOf<'order-events'>,
    ]);
    await expect(attempt).rejects.toBeInstanceOf(EventValidationError);
    await expect(
      producer.send('order-events', [bad as unknown as EventOf<'order-events'>]),
    ).rejects.toThrow(
      /event 0 for topic order-events does not match its schema: payload\.total_amount/,
    );
    expect(await endOffsets('order-events')).toEqual(before);
  });

  it('names an unknown topic from untyped code (send, and a consumer) and lists the known ones', async () => {
    const untyped = producer as unknown as {
      send(topic: string, events: unknown[]): Promise<unknown>;
    };
    const known =
      "the catalog's topics are customer-events, product-events, order-events, clickstream";
    await expect(untyped.send('order', [sampleEvents.order()])).rejects.toThrow(
      `unknown topic "order": did you mean "order-events"? ${known}`,
    );
    await expect(untyped.send('order', [])).rejects.toBeInstanceOf(UnknownTopicError);
    await expect(
      runEventConsumer(connection, {
        groupId: 'never-joins',
        topics: ['clicks' as never],
        eachEvent: async () => undefined,
      }),
    ).rejects.toThrow(`unknown topic "clicks": did you mean "clickstream"? ${known}`);
  });

  it('does not compile when an event is sent to another topic', async () => {
    const order = sampleEvents.order();
    // The typecheck target fails if this line ever compiles.
    // @ts-expect-error an order event is not a clickstream event
    const wrongTopic = () => producer.send('clickstream', [order]);
    expect(typeof wrongTopic).toBe('function');
  });

  it('puts every event of one key on one partition', async () => {
    const session = sampleEvents.click().payload.session_id;
    const events = Array.from({ length: 20 }, () => sampleEvents.click({ session_id: session }));
    const others = Array.from({ length: 60 }, () => sampleEvents.click());
    const sameKey = await producer.send('clickstream', events);
    expect(new Set(sameKey.map((m) => m.partition)).size).toBe(1);
    const before = await endOffsets('clickstream');
    await producer.send('clickstream', [...events, ...others]);
    const records = await readFrom('clickstream', before);
    const partitionsOfSession = new Set(
      records.filter((r) => r.message.key?.toString() === session).map((r) => r.partition),
    );
    expect(partitionsOfSession.size).toBe(1);
    // 60 random keys over 6 partitions: more than one partition is used.
    expect(new Set(records.map((r) => r.partition)).size).toBeGreaterThan(1);
  });
});
