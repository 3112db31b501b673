import type {
  DateString,
  Generated,
  GeneratedAlways,
  Int8,
  Json,
  Timestamp,
} from './column-types.js';

export interface EtlJobRuns {
  run_id: GeneratedAlways<Int8>;
  job_name: string;
  logical_date: DateString | null;
  status: Generated<'running' | 'success' | 'failed'>;
  triggered_by: string;
  started_at: Generated<Timestamp>;
  finished_at: Timestamp | null;
  rows_written: Int8 | null;
  details: Json | null;
}

export interface EtlWatermarks {
  name: string;
  value: Timestamp;
  updated_at: Generated<Timestamp>;
}

/**
 * The next offset to consume per consumer group and partition, written in the same transaction
 * as the rows those records produced: that is what makes ingest exactly-once into PostgreSQL.
 */
export interface EtlConsumerOffsets {
  consumer_group: string;
  topic: string;
  partition: number;
  next_offset: Int8;
  updated_at: Generated<Timestamp>;
}

/**
 * One row per record ingest sent to a DLQ topic, written in the batch's transaction: each dead
 * letter once, keyed by its position, with its reason (the DLQ topic is at-least-once).
 */
export interface EtlDeadLetters {
  /** The ingest group that first dead-lettered it. */
  consumer_group: string;
  topic: string;
  partition: number;
  kafka_offset: Int8;
  /** The DLQ header's code (the SQLSTATE PostgreSQL refused the row with, …), if it has one. */
  code: string | null;
  reason: string;
  dead_lettered_at: Generated<Timestamp>;
}

/**
 * Rows landed in `raw` per topic and hour (a view: counts, no payload). PostgreSQL reports a
 * view's columns as nullable, and so do these types.
 */
export interface EtlLandedPerHour {
  topic: string | null;
  hour: Timestamp | null;
  rows_landed: Int8 | null;
}
