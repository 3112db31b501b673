import type { KafkaMessage } from 'kafkajs';
import type { EventOf, TopicName } from '@datapark/events';
import { resolveVersion, topicSpec } from '@datapark/events';
import { HEADERS, headerText } from './headers.js';

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
      /**
       * A machine-readable cause where there is one: the SQLSTATE a database refused it with,
       * or {@link UNKNOWN_SCHEMA_VERSION}.
       */
      readonly code?: string;
      readonly position: RecordPosition;
      readonly message: KafkaMessage;
    };

/** The DLQ code of a record whose contract version this reader does not know. */
export const UNKNOWN_SCHEMA_VERSION = 'UNKNOWN_SCHEMA_VERSION';

// fatal: a byte sequence that is not UTF-8 is an error, not a silent U+FFFD in the landed text.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates one record of a catalog topic against the contract version it names.
 * Throws only for a topic the catalog does not have (UnknownTopicError): a record that is not UTF-8, not JSON, names a version this reader does not know
 * (in its `schema-subject`/`schema-version` headers, read before the value is parsed, or in its
 * envelope), or does not match its version's schema comes back with `ok: false` and the reason,
 * for the DLQ. Records without the headers (older producers, hand-made ones) are told by their
 * envelope alone.
 */
export function decodeRecord<T extends TopicName>(
  topic: T,
  partition: number,
  message: KafkaMessage,
): DecodedRecord<T> {
  const schema = topicSpec(topic).schema; // an unknown topic is the caller's bug: it throws
  const position = { topic, partition, offset: message.offset };
  const named = namedByHeaders(topic, message);
  if (named && !named.ok) return { ...named, position, message };
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
  const envelope = versionOfEnvelope(topic, parsed);
  if (envelope && !envelope.ok) return { ...envelope, position, message };
  if (named?.ok && envelope?.ok && named.version !== envelope.version)
    return {
      ok: false,
      reason: `the ${HEADERS.schemaVersion} header says ${named.version}, the envelope's schema_version ${envelope.version}`,
      position,
      message,
    };
  const checked = schema.safeParse(parsed);
  if (!checked.success) {
    const reason = checked.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reason: `schema: ${reason}`, position, message };
  }
  return { ok: true, event: checked.data as EventOf<T>, position, message };
}

type Named =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly reason: string; readonly code?: string };

/** The version the record's headers name, if it has them; a bad or unknown one fails it. */
function namedByHeaders(topic: TopicName, message: KafkaMessage): Named | undefined {
  const subject = headerText(message.headers?.[HEADERS.schemaSubject]);
  const versionText = headerText(message.headers?.[HEADERS.schemaVersion]);
  if (subject === undefined && versionText === undefined) return undefined;
  const version = Number(versionText);
  if (
    versionText === undefined ||
    !/^[1-9]\d*$/.test(versionText) ||
    !Number.isSafeInteger(version)
  )
    return {
      ok: false,
      reason: `bad ${HEADERS.schemaVersion} header: ${JSON.stringify(versionText ?? null)}`,
    };
  // A record with a version header but no subject (an older producer) is told by its envelope.
  if (subject === undefined) return { ok: true, version };
  return lookup(resolveVersion(topic, { subject, version }));
}

/**
 * The version the envelope names, when it names a known event type and a whole number: an
 * unknown version of a known type fails it. Anything else is left to the schema, whose issues
 * say what is wrong (an unknown event type, a version that is not a number).
 */
function versionOfEnvelope(topic: TopicName, parsed: unknown): Named | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { event_type: eventType, schema_version: version } = parsed as Record<string, unknown>;
  if (
    typeof eventType !== 'string' ||
    typeof version !== 'number' ||
    !Number.isSafeInteger(version)
  )
    return undefined;
  const found = resolveVersion(topic, { eventType, version });
  return found.kind === 'unknown-subject' ? undefined : lookup(found);
}

function lookup(found: ReturnType<typeof resolveVersion>): Named {
  if (found.kind === 'known') return { ok: true, version: found.version.version };
  if (found.kind === 'unknown-version')
    return { ok: false, reason: found.reason, code: UNKNOWN_SCHEMA_VERSION };
  return { ok: false, reason: found.reason };
}
