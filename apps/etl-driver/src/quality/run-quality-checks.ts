import type { DataparkConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import type { JsonValue } from '@datapark/db';
import type { QualityCheck } from './check-definitions.js';
import { QUALITY_CHECKS } from './check-definitions.js';
import { usageError } from '../etl-error.js';
import { sendGauges, type StatsdGauge } from '../metrics/statsd.js';

export interface CheckResult {
  readonly check: QualityCheck;
  readonly passed: boolean;
  readonly failingRows: number;
  /** One offending row, when there is one. */
  readonly example: JsonValue | null;
  readonly message: string;
}

export interface QualityRun {
  readonly runId: string;
  readonly date: string;
  /** `failed` when a check of severity `error` failed; warnings alone pass. */
  readonly status: 'passed' | 'failed';
  readonly results: readonly CheckResult[];
}

export interface QualityOptions {
  readonly config: DataparkConfig;
  /** The day the date-scoped checks look at, YYYY-MM-DD. */
  readonly date: string;
  readonly triggeredBy?: string;
  /** Only these checks (by name); default all. */
  readonly only?: readonly string[];
  readonly checks?: readonly QualityCheck[];
  readonly onResult?: (result: CheckResult) => void;
  /** Send each result to the monitoring component's StatsD (default true). */
  readonly reportMetrics?: boolean;
}

/**
 * A run's results as gauges for Prometheus (through statsd_exporter), per check:
 * `datapark_quality_check_passed` (1 or 0) and `datapark_quality_check_failing_rows`, labelled
 * with the check, its table, kind and `check_severity`; and the run's time. A gauge keeps its value until
 * the next run of the check: QualityCheckFailed fires until a run passes.
 */
export function qualityGauges(run: QualityRun, now = Date.now()): StatsdGauge[] {
  const gauges: StatsdGauge[] = run.results.flatMap((r) => {
    const labels = {
      check: r.check.name,
      table: r.check.table,
      kind: r.check.kind,
      // Not `severity`: that label is the alert's own.
      check_severity: r.check.severity,
    };
    return [
      { name: 'datapark_quality_check_passed', value: r.passed ? 1 : 0, labels },
      { name: 'datapark_quality_check_failing_rows', value: r.failingRows, labels },
    ];
  });
  gauges.push({
    name: 'datapark_quality_last_run_timestamp_seconds',
    value: Math.round(now / 1000),
    labels: {},
  });
  return gauges;
}

/** `✗ name (kind) on table: N failing rows, e.g. {...}: what must hold`. */
export function describeResult(result: CheckResult): string {
  const { check } = result;
  if (result.passed) return `✓ ${check.name} (${check.kind}) on ${check.table}`;
  const mark = check.severity === 'error' ? '✗' : '!';
  return `${mark} ${result.message}`;
}

/**
 * Runs the data-quality checks for a day as the `airflow` role (it reads source, raw, processed
 * and etl, and writes quality): upserts the definitions into `quality.checks`, records a run in
 * `quality.check_runs` and one result per check in `quality.check_results`.
 *
 * @example
 * ```ts
 * const run = await runQualityChecks({ config: loadConfig(), date: '2026-11-01' });
 * if (run.status === 'failed') process.exitCode = 1;
 * ```
 */
export async function runQualityChecks(options: QualityOptions): Promise<QualityRun> {
  const all = options.checks ?? QUALITY_CHECKS;
  const checks = options.only ? all.filter((c) => options.only!.includes(c.name)) : all;
  if (options.only) {
    const unknown = options.only.filter((name) => !all.some((c) => c.name === name));
    if (unknown.length > 0)
      throw usageError(
        `--only: unknown check ${unknown.join(', ')}; known: ${all.map((c) => c.name).join(', ')}`,
        'datapark-etl quality list',
      );
  }
  // UTC, so `$1::date` bounds the same day the batch job computes.
  const pool = createPool(options.config, 'airflow', { max: 1, options: '-c TimeZone=UTC' });
  try {
    for (const check of checks) {
      await pool.query(
        `INSERT INTO quality.checks (check_name, description, kind, target_table, severity)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (check_name) DO UPDATE SET description = EXCLUDED.description,
           kind = EXCLUDED.kind, target_table = EXCLUDED.target_table, severity = EXCLUDED.severity`,
        [check.name, check.description, check.kind, check.table, check.severity],
      );
    }
    const { rows } = await pool.query<{ run_id: string }>(
      'INSERT INTO quality.check_runs (triggered_by) VALUES ($1) RETURNING run_id',
      [options.triggeredBy ?? `datapark-etl quality check --date ${options.date}`],
    );
    const runId = rows[0]!.run_id;
    const results: CheckResult[] = [];
    for (const check of checks) {
      const measured = await pool.query<{ n: string; example: JsonValue | null }>(
        `SELECT count(*) AS n, (array_agg(to_jsonb(f)))[1] AS example FROM (${check.failingRows}) f`,
        [options.date],
      );
      const failingRows = Number(measured.rows[0]?.n ?? 0);
      const example = measured.rows[0]?.example ?? null;
      const passed = failingRows === 0;
      const message = passed
        ? `${check.name}: ${check.description}: holds`
        : `${check.name} (${check.kind}) on ${check.table}: ${failingRows} failing ` +
          `${failingRows === 1 ? 'row' : 'rows'}, e.g. ${JSON.stringify(example)}; expected: ${check.description}`;
      const result: CheckResult = { check, passed, failingRows, example, message };
      results.push(result);
      await pool.query(
        `INSERT INTO quality.check_results (run_id, check_name, passed, failing_rows, example, message)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          runId,
          check.name,
          passed,
          failingRows,
          example === null ? null : JSON.stringify(example),
          message,
        ],
      );
      options.onResult?.(result);
    }
    const status = results.some((r) => !r.passed && r.check.severity === 'error')
      ? 'failed'
      : 'passed';
    await pool.query(
      'UPDATE quality.check_runs SET status = $2, finished_at = now() WHERE run_id = $1',
      [runId, status],
    );
    const run: QualityRun = { runId, date: options.date, status, results };
    if (options.reportMetrics ?? true) await sendGauges(options.config, qualityGauges(run));
    return run;
  } finally {
    await pool.end();
  }
}
