import type { Command } from 'commander';
import { loadConfig } from '@datapark/config';
import { selectDrills } from '../drill/drills.js';
import type { DrillResult } from '../drill/run-drills.js';
import { describeProcessed, runDrills } from '../drill/run-drills.js';
import { requireComponents } from '../platform/require-components.js';
import { printTable, stderrLine } from './output.js';

/** The drill table: one row per drill, as the README shows it. */
export function printDrillTable(results: readonly DrillResult[]): void {
  printTable(
    [
      'drill',
      'load before (ev/s)',
      'load during (ev/s)',
      'recovered in (s)',
      'produced',
      'lost',
      'duplicated',
      'dead-lettered',
      'source↔processed',
      'result',
    ],
    results.map((r) => [
      r.drill,
      String(r.eventsPerSecondBefore),
      String(r.eventsPerSecondDuring),
      r.recoveredSeconds.toFixed(1),
      String(r.produced),
      String(r.lost),
      String(r.duplicated),
      `${r.deadLettered} (expected ${r.deadLettersExpected})`,
      r.processed ? describeProcessed(r.processed) : '-',
      r.passed ? 'passed' : `FAILED${r.error ? `: ${r.error.split('\n')[0]}` : ''}`,
    ]),
  );
}

export function drillCommand(program: Command): void {
  program
    .command('drill')
    .description(
      'failure drills on the local platform while the generator produces and ingest lands: stop a broker, restart PostgreSQL, kill ingest, kill a Spark worker under a running batch, restart the Airflow scheduler, inject poison; then reconcile Kafka against raw and the DLQs, and source against processed',
    )
    .option(
      '--only <drills>',
      'comma-separated: broker, postgres, ingest-kill, spark-worker, airflow-scheduler, poison',
    )
    .option('--rate <eventsPerSecond>', 'generator target rate during the drills', '300')
    .option('--fault-seconds <s>', 'how long each fault lasts', '10')
    .option('--json', 'print the results as one JSON line on stdout')
    .action(
      async (options: { only?: string; rate: string; faultSeconds: string; json?: boolean }) => {
        const config = loadConfig();
        await requireComponents(config, ['kafka', 'postgres', 'spark', 'airflow']);
        const drills = selectDrills(
          (options.only ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
        const results = await runDrills({
          config,
          drills,
          eventsPerSecond: Number(options.rate),
          faultMs: Number(options.faultSeconds) * 1000,
          log: stderrLine,
        });
        if (options.json) process.stdout.write(JSON.stringify(results) + '\n');
        else printDrillTable(results);
        if (results.some((r) => !r.passed)) process.exitCode = 1;
      },
    );
}
