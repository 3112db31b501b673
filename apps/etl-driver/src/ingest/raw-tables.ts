import type { CopyRow } from '@datapark/db';
import type { EventOf, TopicName } from '@datapark/events';
import { TOPIC_CATALOG, TOPIC_NAMES } from '@datapark/events';
import type { RecordPosition } from '@datapark/kafka';
import { usageError } from '../etl-error.js';

/** The `raw` table each topic lands in. */
export const RAW_TABLE_OF = Object.freeze({
  'customer-events': 'raw.customer_events',
  'product-events': 'raw.product_events',
  'order-events': 'raw.order_events',
  clickstream: 'raw.clickstream_events',
} as const satisfies Record<TopicName, string>);

export type RawTable = (typeof RAW_TABLE_OF)[TopicName];

/** Every raw table's columns in COPY order; the key column is the topic's key field. */
export function rawColumns(topic: TopicName): string[] {
  return [
    'event_id',
    'event_type',
    'schema_version',
    'occurred_at',
    'producer',
    TOPIC_CATALOG[topic].key,
    'payload',
    'kafka_topic',
    'kafka_partition',
    'kafka_offset',
  ];
}

/** One landed event: the envelope in typed columns, the payload as JSONB, its Kafka position. */
export function toRawRow<T extends TopicName>(
  topic: T,
  event: EventOf<T>,
  position: RecordPosition,
): CopyRow<RawTable> {
  const payload = event.payload as Record<string, unknown>;
  return {
    event_id: event.event_id,
    event_type: event.event_type,
    schema_version: event.schema_version,
    occurred_at: event.occurred_at,
    producer: event.producer,
    [TOPIC_CATALOG[topic].key]: payload[TOPIC_CATALOG[topic].key],
    payload: event.payload,
    kafka_topic: position.topic,
    kafka_partition: position.partition,
    kafka_offset: position.offset,
  } as CopyRow<RawTable>;
}

/** Parses `--topics a,b`: catalog topic names, or every topic when empty. */
export function parseTopics(list: string | undefined): TopicName[] {
  if (!list) return [...TOPIC_NAMES];
  const topics = list
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = topics.filter((t) => !(TOPIC_NAMES as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw usageError(
      `--topics: unknown topic ${unknown.join(', ')}; expected some of ${TOPIC_NAMES.join(', ')}`,
    );
  return topics as TopicName[];
}
