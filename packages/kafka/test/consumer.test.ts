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
});
