import type { TopicName } from '@datapark/events';
import { topicSpec } from '@datapark/events';
import type { DecodedRecord } from './decode-record.js';
import { HEADERS } from './headers.js';
import type { UncheckedProducer } from './unchecked-producer.js';

/**
 * Sends a record that failed decoding to `<topic>.dlq`, unchanged (key, value, headers), with
 * the reason and its source position added as headers. Awaited before the consumer moves on,
 * so a poison record is never lost.
 */
export async function sendToDeadLetters<T extends TopicName>(
  producer: UncheckedProducer,
  topic: T,
  failed: Extract<DecodedRecord<T>, { ok: false }>,
): Promise<void> {
  const { message, position, reason, code } = failed;
  await producer.send(topicSpec(topic).dlq, [
    {
      key: message.key,
      value: message.value,
      headers: {
        ...message.headers,
        [HEADERS.dlqReason]: reason.slice(0, 4000),
        ...(code === undefined ? {} : { [HEADERS.dlqErrorCode]: code }),
        [HEADERS.dlqSourceTopic]: position.topic,
        [HEADERS.dlqSourcePartition]: String(position.partition),
        [HEADERS.dlqSourceOffset]: position.offset,
        [HEADERS.dlqFailedAt]: new Date().toISOString(),
      },
    },
  ]);
}
