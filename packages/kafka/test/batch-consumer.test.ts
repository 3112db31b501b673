import { randomUUID } from 'node:crypto';
import { sampleEvents } from '@datapark/events';
import {
  consumeBatches,
  decodeRecord,
  HEADERS,
  headerText,
  UncheckedProducer,
} from '@datapark/kafka';
import { connection, endOffsets, readFrom } from './fixtures.js';

const topic = 'product-events';

/** Three records under one key (one partition, in order): poison first, then two events. */
async function produceThree(key: string) {
  const before = await endOffsets(topic);
  const producer = await UncheckedProducer.connect(connection);
  try {
    await producer.send(topic, [
      { key, value: '{"not json' },
      { key, value: JSON.stringify(sampleEvents.product({ product_id: key })) },
      { key, value: JSON.stringify(sampleEvents.product({ product_id: key })) },
    ]);
  } finally {
    await producer.disconnect();
  }
  return before;
}

describe('consumeBatches', () => {
  it('hands over batches from where onAssigned seeks, dead-letters through the control, and stops on the signal', async () => {
    const key = randomUUID();
    const from = await produceThree(key);
    const dlqFrom = await endOffsets(`${topic}.dlq`);
    const stop = new AbortController();
    const valid: string[] = [];
    const done = consumeBatches({
      connection,
      groupId: `batch-consumer-test-${randomUUID()}`,
      topics: [topic],
      fromBeginning: false,
      // Start each partition where it ended before the records were produced.
      onAssigned: async (assignment, seek) => {
        for (const partition of assignment.get(topic) ?? [])
          seek(topic, partition, BigInt(from.get(partition) ?? '0'));
      },
      eachBatch: async (batch, control) => {
        for (const record of batch.records) {
          if (record.key?.toString() !== key) continue;
          const decoded = decodeRecord(batch.topic, batch.partition, record);
          if (decoded.ok) valid.push(decoded.event.event_id);
          else await control.deadLetter(decoded);
        }
        if (valid.length === 2) stop.abort();
      },
      signal: stop.signal,
    });
    await done;
    expect(valid).toHaveLength(2);
    const letters = (await readFrom(`${topic}.dlq`, dlqFrom)).filter(
      (r) => r.message.key?.toString() === key,
    );
    expect(letters.map((r) => r.message.value?.toString())).toEqual(['{"not json']);
    expect(headerText(letters[0]!.message.headers?.[HEADERS.dlqReason])).toMatch(/JSON/);
  }, 120_000);

  it('rejects with the error a handler throws, after leaving the group', async () => {
    const key = randomUUID();
    const from = await produceThree(key);
    await expect(
      consumeBatches({
        connection,
        groupId: `batch-consumer-test-${randomUUID()}`,
        topics: [topic],
        onAssigned: async (assignment, seek) => {
          for (const partition of assignment.get(topic) ?? [])
            seek(topic, partition, BigInt(from.get(partition) ?? '0'));
        },
        eachBatch: async () => {
          throw new Error('the handler broke');
        },
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow('the handler broke');
  }, 120_000);
});
