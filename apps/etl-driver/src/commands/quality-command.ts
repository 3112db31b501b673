import type { Command } from 'commander';
import { loadConfig } from '@datapark/config';
import { requireComponents } from '../platform/require-components.js';
import { QUALITY_CHECKS } from '../quality/check-definitions.js';
import { describeResult, runQualityChecks } from '../quality/run-quality-checks.js';
import { parseLogicalDate } from '../runs/job-runs.js';
import { printTable, stderrLine } from './output.js';
import { EtlError } from '../etl-error.js';

/** Yesterday in UTC: the day a nightly batch has just computed. */
function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

export function qualityCommands(program: Command): void {
  const quality = program
    .command('quality')
    .description('data-quality checks (definitions, runs and results in the quality schema)');
  quality
    .command('check')
    .description('run every check for a day; exits 1 when a check of severity error fails')
    .option('--date <YYYY-MM-DD>', 'the day to check (default: yesterday, UTC)', (v) =>
      parseLogicalDate(v),
    )
    .option('--only <names>', 'comma-separated check names')
    .option('--json', 'print the run as one JSON line on stdout')
    .action(async (options: { date?: string; only?: string; json?: boolean }) => {
      const config = loadConfig();
      await requireComponents(config, ['postgres']);
      const date = options.date ?? yesterday();
      const run = await runQualityChecks({
        config,
        date,
        ...(options.only ? { only: options.only.split(',').map((s) => s.trim()) } : {}),
        onResult: (result) => stderrLine(describeResult(result)),
      });
      const failed = run.results.filter((r) => !r.passed);
      const errors = failed.filter((r) => r.check.severity === 'error');
      stderrLine(
        `quality ${date}: ${run.results.length - failed.length}/${run.results.length} checks passed` +
          `${failed.length ? `, ${errors.length} failed, ${failed.length - errors.length} warnings` : ''}` +
          ` (quality.check_runs run ${run.runId})`,
      );
      if (options.json)
        process.stdout.write(
          JSON.stringify({
            runId: run.runId,
            date,
            status: run.status,
            results: run.results.map((r) => ({
              check: r.check.name,
              kind: r.check.kind,
              table: r.check.table,
              severity: r.check.severity,
              passed: r.passed,
              failingRows: r.failingRows,
              example: r.example,
            })),
          }) + '\n',
        );
      if (run.status === 'failed') {
        throw new EtlError(
          `${errors.length} data-quality ${errors.length === 1 ? 'check' : 'checks'} failed for ${date}:\n` +
            errors.map((r) => `  - ${r.message}`).join('\n'),
          {
            code: 'QUALITY_CHECKS_FAILED',
            hint: 'each line names the table and a failing row; quality.check_results has them all',
          },
        );
      }
    });
  quality
    .command('list')
    .description('the checks and what each one asserts')
    .action(() => {
      printTable(
        ['check', 'kind', 'table', 'severity', 'asserts'],
        QUALITY_CHECKS.map((c) => [c.name, c.kind, c.table, c.severity, c.description]),
      );
    });
}
