import type { Generated, GeneratedAlways, Int8, Json, Timestamp } from './column-types.js';

/** Columns every landed event has: the envelope, the payload, and its Kafka position. */
export interface RawEventColumns {
  id: GeneratedAlways<Int8>;
  event_id: string;
  event_type: string;
  schema_version: number;
  occurred_at: Timestamp;
  producer: string;
  payload: Json;
  kafka_topic: string;
  kafka_partition: number;
  kafka_offset: Int8;
  ingested_at: Generated<Timestamp>;
}

export interface RawCustomerEvents extends RawEventColumns {
  customer_id: string;
}
export interface RawProductEvents extends RawEventColumns {
  product_id: string;
}
export interface RawOrderEvents extends RawEventColumns {
  order_id: string;
}
export interface RawClickstreamEvents extends RawEventColumns {
  session_id: string;
}
