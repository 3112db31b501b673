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
