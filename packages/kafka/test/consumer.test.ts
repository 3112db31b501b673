import { randomUUID } from 'node:crypto';
import type { EventOf } from '@datapark/events';
import { sampleEvents } from '@datapark/events';
import type { RunningConsumer } from '@datapark/kafka';
import { HEADERS, headerText, runEventConsumer } from '@datapark/kafka';
import { connection, endOffsets, kafka, Partitioners, readFrom } from './fixtures.js';

describe('runEventConsumer', () => {
  it('sends poison records to the DLQ with the reason and consumes the good records behind them', async () => {
    const topic = 'customer-events';
    const customerId = randomUUID();
    const good = [
      sampleEvents.customer({ customer_id: customerId }),
      sampleEvents.customer({ customer_id: customerId }),
    ];
    const wrongSchema = {
      ...sampleEvents.customer({ customer_id: customerId }),
      payload: { customer_id: customerId },
    };
    // A plain producer, to write what our typed one refuses to.
    const raw = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await raw.connect();
    const dlqBefore = await endOffsets(`${topic}.dlq`);
    const sourceBefore = await endOffsets(topic);
    // All on one key, so they sit on one partition in this order: poison first.
    await raw.send({
      topic,
      acks: -1,
      messages: [
        { key: customerId, value: '{"not json' },
        { key: customerId, value: JSON.stringify(wrongSchema) },
        { key: customerId, value: JSON.stringify(good[0]) },
        { key: customerId, value: JSON.stringify(good[1]) },
      ],
    });
    await raw.disconnect();

    const seen: EventOf<'customer-events'>[] = [];
    const deadLetters: string[] = [];
    let running: RunningConsumer | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`saw ${seen.length} events and ${deadLetters.length} dead letters`)),
          90_000,
        );
        void runEventConsumer(connection, {
          groupId: `test-dlq-${randomUUID()}`,
          topics: [topic],
          fromBeginning: false,
          eachEvent: async (event) => {
            if (event.payload.customer_id === customerId) seen.push(event);
            if (seen.length === 2) {
              clearTimeout(timer);
              resolve();
            }
          },
          onDeadLetter: (reason) => deadLetters.push(reason),
        }).then(async (r) => {
          running = r;
          // Start at the records written above, whatever the group's starting point.
          for (const [partition, offset] of sourceBefore)
            r.consumer.seek({ topic, partition, offset });
        }, reject);
      });
    } finally {
      await running?.stop();
    }
    expect(seen.map((e) => e.event_id)).toEqual(good.map((e) => e.event_id));

    const letters = (await readFrom(`${topic}.dlq`, dlqBefore)).filter(
      (r) => r.message.key?.toString() === customerId,
    );
    expect(letters).toHaveLength(2);
    const reasons = letters.map((l) => headerText(l.message.headers?.[HEADERS.dlqReason]));
    expect(reasons[0]).toMatch(/^not JSON/);
    expect(reasons[1]).toMatch(/^schema: payload\.email/);
    for (const letter of letters) {
      expect(headerText(letter.message.headers?.[HEADERS.dlqSourceTopic])).toBe(topic);
      expect(headerText(letter.message.headers?.[HEADERS.dlqSourcePartition])).toMatch(/^\d+$/);
      expect(headerText(letter.message.headers?.[HEADERS.dlqSourceOffset])).toMatch(/^\d+$/);
    }
    // The dead letter carries the original bytes.
    expect(letters[0]!.message.value?.toString()).toBe('{"not json');
  });

  it('retries a handler that throws a bounded number of times, then dead-letters its record with the error and goes on', async () => {
    const topic = 'customer-events';
    const customerId = randomUUID();
    // One key, so one partition in this order: the flaky one, the poison one, the one behind.
    const [flaky, poison, behind] = [0, 1, 2].map(() =>
      sampleEvents.customer({ customer_id: customerId }),
    );
    const raw = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await raw.connect();
    const dlqBefore = await endOffsets(`${topic}.dlq`);
    const sourceBefore = await endOffsets(topic);
    await raw.send({
      topic,
      acks: -1,
      messages: [flaky!, poison!, behind!].map((e) => ({
        key: customerId,
        value: JSON.stringify(e),
      })),
    });
    await raw.disconnect();

    const calls = new Map<string, number>();
    const handled: string[] = [];
    const deadLetters: string[] = [];
    let running: RunningConsumer | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`handled ${handled.join(', ')}; calls ${[...calls]}`)),
          90_000,
        );
        void runEventConsumer(connection, {
          groupId: `test-handler-retry-${randomUUID()}`,
          topics: [topic],
          fromBeginning: false,
          handlerRetry: { retries: 2, initialBackoffMs: 10 },
          eachEvent: async (event) => {
            if (event.payload.customer_id !== customerId) return;
            const n = (calls.get(event.event_id) ?? 0) + 1;
            calls.set(event.event_id, n);
            if (event.event_id === flaky!.event_id && n === 1) throw new Error('first try fails');
            if (event.event_id === poison!.event_id) throw new TypeError('cannot handle this one');
            handled.push(event.event_id);
            if (event.event_id === behind!.event_id) {
              clearTimeout(timer);
              resolve();
            }
          },
          onDeadLetter: (reason) => deadLetters.push(reason),
        }).then((r) => {
          running = r;
          for (const [partition, offset] of sourceBefore)
            r.consumer.seek({ topic, partition, offset });
        }, reject);
      });
    } finally {
      await running?.stop();
    }
    expect(handled).toEqual([flaky!.event_id, behind!.event_id]);
    expect(calls.get(flaky!.event_id)).toBe(2);
    expect(calls.get(poison!.event_id)).toBe(3);
    expect(deadLetters).toEqual(['handler failed 3 times: TypeError: cannot handle this one']);
    const letters = (await readFrom(`${topic}.dlq`, dlqBefore)).filter(
      (r) => r.message.key?.toString() === customerId,
    );
    expect(letters).toHaveLength(1);
    expect(JSON.parse(letters[0]!.message.value!.toString())).toMatchObject({
      event_id: poison!.event_id,
    });
    expect(headerText(letters[0]!.message.headers?.[HEADERS.dlqReason])).toMatch(
      /cannot handle this one/,
    );
  });
});
