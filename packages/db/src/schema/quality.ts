import type { Generated, GeneratedAlways, Int8, Json, Timestamp } from './column-types.js';

export type CheckKind = 'reconcile' | 'freshness' | 'uniqueness' | 'referential' | 'range';

export interface QualityChecks {
  check_name: string;
  description: string;
  kind: CheckKind;
  target_table: string;
  severity: Generated<'error' | 'warn'>;
  created_at: Generated<Timestamp>;
}

export interface QualityCheckRuns {
  run_id: GeneratedAlways<Int8>;
  triggered_by: string;
  status: Generated<'running' | 'passed' | 'failed'>;
  started_at: Generated<Timestamp>;
  finished_at: Timestamp | null;
}

export interface QualityCheckResults {
  run_id: Int8;
  check_name: string;
  passed: boolean;
  failing_rows: Generated<Int8>;
  /** One offending row, for the failure message. */
  example: Json | null;
  message: string;
  checked_at: Generated<Timestamp>;
}
