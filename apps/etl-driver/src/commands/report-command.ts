import type { Command } from 'commander';
import { loadConfig } from '@datapark/config';
import { requireComponents } from '../platform/require-components.js';
import { buildReport } from '../report/platform-report.js';
import { printTable } from './output.js';

const n = (value: number) => value.toLocaleString('en-US');

export function reportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'events per topic, rows per table, dead letters, ingest lag, the latest runs, the lake',
    )
    .option('--runs <n>', 'how many recent runs', '10')
    .option('--json', 'print the report as one JSON line on stdout')
    .action(async (options: { runs: string; json?: boolean }) => {
      const config = loadConfig();
      await requireComponents(config, ['kafka', 'postgres']);
      const report = await buildReport(config, { runs: Number(options.runs) });
      if (options.json) {
        process.stdout.write(JSON.stringify(report) + '\n');
        return;
      }
      const section = (title: string) => process.stdout.write(`\n${title}\n`);
      section('Kafka topics');
      printTable(
        ['topic', 'events produced', 'still in Kafka', 'dead letters'],
        report.topics.map((t) => [t.topic, n(t.produced), n(t.retained), n(t.deadLetters)]),
      );
      section('Tables');
      printTable(
        ['table', 'rows'],
        report.tables.map((t) => [t.table, n(t.rows)]),
      );
      section('Ingest lag (per consumer group, from etl.consumer_offsets)');
      if (report.ingestLag.length === 0) process.stdout.write('no ingest has run yet\n');
      else
        printTable(
          ['group', 'topic', 'lag', 'last commit'],
          report.ingestLag.map((g) => [g.group, g.topic, n(g.lag), g.lastCommitAt ?? '-']),
        );
      section('Latest runs');
      if (report.runs.length === 0) process.stdout.write('no runs yet\n');
      else
        printTable(
          ['run', 'what', 'date', 'state', 'started', 'took', 'detail'],
          report.runs.map((r) => [
            `${r.kind === 'job' ? 'job' : 'quality'} ${r.runId}`,
            r.name,
            r.logicalDate ?? '',
            r.status,
            r.startedAt.replace('T', ' ').slice(0, 19),
            r.seconds === null ? '' : `${r.seconds.toFixed(1)} s`,
            r.detail,
          ]),
        );
      section('Lake (Iceberg tables in the object store, read with DuckDB)');
      const lake = report.lake;
      if (!lake.reachable)
        process.stdout.write(`not read: ${lake.error}${lake.hint ? `\n  ${lake.hint}` : ''}\n`);
      else if (lake.tables.length === 0)
        process.stdout.write(
          'no tables yet: node lab/scripts/submit-spark-job.ts apps/spark-jobs/jobs/lake_daily.py --date <YYYY-MM-DD> builds a day\n',
        );
      else {
        printTable(
          ['table', 'rows', 'snapshots'],
          lake.tables.map((t) => [t.table, n(t.rows), n(t.snapshots)]),
        );
        if (lake.gold)
          process.stdout.write(
            `gold against processed for ${lake.gold.day}: lake ${n(lake.gold.lake.orders)} orders, ` +
              `${lake.gold.lake.revenue} revenue; processed ${n(lake.gold.processed.orders)} orders, ` +
              `${lake.gold.processed.revenue} revenue: ` +
              (lake.gold.agree
                ? 'they agree\n'
                : "they differ: each side counts the orders' statuses as they were when it was built, so rebuild the day (the daily batch, which builds the lake after it); if they still differ, raw and source disagree: compare lake.silver.orders with processed.fact_orders\n"),
          );
      }
    });
}
