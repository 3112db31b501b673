import type { Kysely } from 'kysely';
import type { Database, JsonObject } from '@datapark/db';
import { usageError } from '../etl-error.js';

export interface JobRunStart {
  readonly jobName: string;
  /** The day a batch run computes; null for runs that are not about one day (streaming). */
  readonly logicalDate: string | null;
  readonly triggeredBy: string;
  readonly details?: JsonObject;
}

/** Records a run as `running` in `etl.job_runs` and returns its id. */
export async function startJobRun(db: Kysely<Database>, run: JobRunStart): Promise<string> {
  const row = await db
    .insertInto('etl.job_runs')
    .values({
      job_name: run.jobName,
      logical_date: run.logicalDate,
      triggered_by: run.triggeredBy,
      details: run.details ?? null,
    })
    .returning('run_id')
    .executeTakeFirstOrThrow();
  return row.run_id;
}

/** Marks a run finished, merging `details` into what it had. */
export async function finishJobRun(
  db: Kysely<Database>,
  runId: string,
  outcome: { status: 'success' | 'failed'; rowsWritten?: number; details?: JsonObject },
): Promise<void> {
  const current = await db
    .selectFrom('etl.job_runs')
    .select('details')
    .where('run_id', '=', runId)
    .executeTakeFirst();
  const before = (current?.details ?? {}) as JsonObject;
  await db
    .updateTable('etl.job_runs')
    .set({
      status: outcome.status,
      finished_at: new Date(),
      rows_written: outcome.rowsWritten ?? null,
      details: { ...before, ...(outcome.details ?? {}) },
    })
    .where('run_id', '=', runId)
    .execute();
}

/** `YYYY-MM-DD` that is a real calendar day, or a message saying what is wrong. */
export function parseLogicalDate(value: string, flag = '--date'): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw usageError(`${flag} ${value}: expected a calendar day as YYYY-MM-DD, e.g. 2026-11-01`);
  return value;
}
