import type { KafkaMessage } from 'kafkajs';
import type { EventOf, TopicName } from '@datapark/events';
import { TOPIC_CATALOG } from '@datapark/events';

export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export type DecodedRecord<T extends TopicName> =
  | {
      readonly ok: true;
      readonly event: EventOf<T>;
      readonly position: RecordPosition;
      readonly message: KafkaMessage;
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /** A machine-readable cause where there is one: the SQLSTATE a database refused it with. */
      readonly code?: string;
      readonly position: RecordPosition;
      readonly message: KafkaMessage;
    };

// fatal: a byte sequence that is not UTF-8 is an error, not a silent U+FFFD in the landed text.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates one record of a catalog topic. Never throws: a record that is not UTF-8,
 * not JSON or does not match the schema comes back with `ok: false` and the reason, for the DLQ.
 */
export function decodeRecord<T extends TopicName>(
  topic: T,
  partition: number,
  message: KafkaMessage,
): DecodedRecord<T> {
  const position = { topic, partition, offset: message.offset };
  if (message.value === null)
    return { ok: false, reason: 'empty record (no value)', position, message };
  let text: string;
  try {
    text = utf8.decode(message.value);
  } catch {
    return {
      ok: false,
      reason: 'not UTF-8: the value holds bytes no UTF-8 text has',
      position,
      message,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}`, position, message };
  }
  const checked = TOPIC_CATALOG[topic].schema.safeParse(parsed);
  if (!checked.success) {
    const reason = checked.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reason: `schema: ${reason}`, position, message };
  }
  return { ok: true, event: checked.data as EventOf<T>, position, message };
}
