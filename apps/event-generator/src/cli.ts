#!/usr/bin/env node
import { Command, Option } from 'commander';
import { TOPIC_NAMES } from '@datapark/events';
import type { GeneratorFlags } from './generator-config.js';
import {
  DEFAULT_HTTP_PORT,
  GeneratorConfigError,
  resolveGeneratorConfig,
  SINK_NAMES,
} from './generator-config.js';
import type { RunTotals } from './generator-run.js';
import { lastRunFile, writeLastRun } from './last-run-file.js';
import { showProgress } from './progress-line.js';
import { startGenerator } from './start-generator.js';

const program = new Command('event-generator')
  .description(
    'A simulated shop: consistent customer, product, order and clickstream events, in real time ' +
      'at a target rate or as a backfill of past days, into Kafka, PostgreSQL (source) or JSON lines',
  )
  .option('--config <file>', 'JSON file with the config fields (flags override it)')
  .addOption(
    new Option('--mode <mode>', 'realtime or backfill (default realtime)').choices([
      'realtime',
      'backfill',
    ]),
  )
  .option('--rate <eventsPerSecond>', 'realtime: target events per second (default 100)')
  .option('--days <n>', 'backfill: days of history up to now (default 1)')
  .option('--until <iso>', 'backfill: end of the period instead of now')
  .option('--events <n>', 'stop after this many events')
  .option('--duration <seconds>', 'realtime: stop after this many seconds')
  .option('--sink <sinks>', `comma-separated: ${SINK_NAMES.join(', ')} (default dry-run)`)
  .option('--out <file>', 'dry-run: write JSON lines to this file instead of stdout')
  .option('--seed <seed>', 'same seed and config, same events')
  .option(
    '--schema-version <type=version>',
    'emit an event type at a newer contract version, e.g. page_view=2 (repeatable; default 1)',
    (value: string, previous: string[] = []) => [...previous, value],
  )
  .option('--http', `serve the control API and /metrics on 127.0.0.1 (port ${DEFAULT_HTTP_PORT})`)
  .option('--http-port <port>', 'control API port (implies --http; env DATAPARK_GENERATOR_PORT)')
  .option('--batch-size <n>', 'events per batch a sink sends or commits (default 2000)')
  .addOption(
    new Option('--compression <type>', 'Kafka compression (default gzip)').choices([
      'gzip',
      'none',
    ]),
  )
  .action(async (flags: GeneratorFlags) => {
    const config = resolveGeneratorConfig(flags);
    const log = (line: string) => process.stderr.write(line + '\n');
    const startedAt = new Date().toISOString();
    const totalsFile = lastRunFile();
    let sinkErrors = 0;
    const generator = await startGenerator(config, {
      onSinkError: (sink, error) => {
        // One line per failed batch would flood the terminal while a service is down.
        if (sinkErrors++ < 5) log(`! ${sink}: a batch failed: ${error.message}`);
        else if (sinkErrors === 6)
          log(`! further sink errors are counted in the totals and /metrics`);
      },
    });
    const status = generator.run.status();
    log(
      config.mode === 'realtime'
        ? `▸ realtime at ${config.eventsPerSecond} events/s into ${config.sinks.join(', ')}`
        : `▸ backfill ${status.backfill!.from} → ${status.backfill!.until} into ${config.sinks.join(', ')}`,
    );
    if (generator.api)
      log(
        `▸ control API on ${generator.api.url} (GET /status, POST /pause /resume, PUT /rate, GET /metrics)`,
      );
    log(`▸ at the end, the totals are printed here and written to ${totalsFile}`);
    const progress = showProgress(() => generator.run.status());

    let signals = 0;
    let stoppedBy: NodeJS.Signals | undefined;
    const record = (totals: RunTotals, flushed: boolean) => {
      try {
        writeLastRun(totalsFile, {
          startedAt,
          endedAt: new Date().toISOString(),
          endedBy: stoppedBy ?? 'finished',
          flushed,
          mode: config.mode,
          sinks: config.sinks,
          pid: process.pid,
          totals,
        });
      } catch (error) {
        log(`! could not write ${totalsFile}: ${(error as Error).message}`);
      }
    };
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      stoppedBy ??= signal;
      if (signals === 1) {
        log(`\n▸ ${signal}: stopping, flushing what was generated (again to quit without waiting)`);
        void generator.stop();
      } else {
        log(
          `✗ ${signal} again: quitting; events not yet acknowledged are not counted as delivered`,
        );
        const totals = generator.run.totals();
        record(totals, false);
        printTotals(totals, log);
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const totals = await generator.done;
      progress.stop();
      // The file first: a parent that stopped listening (nx after SIGINT) cannot take it away.
      record(totals, true);
      printTotals(totals, log);
      if (Object.values(totals.failed).some((n) => n > 0)) process.exitCode = 1;
    } finally {
      progress.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });

/** A table of what was generated and acknowledged, then the same as one JSON line (`totals …`). */
function printTotals(totals: RunTotals, log: (line: string) => void): void {
  const sinks = Object.keys(totals.acknowledged);
  const generated = Object.values(totals.generated).reduce((a, b) => a + b, 0);
  log(
    `✓ ${generated} events in ${totals.seconds.toFixed(1)} s (${Math.round(generated / Math.max(totals.seconds, 1e-9))}/s; ` +
      `${totals.cpuSeconds.toFixed(1)} s of CPU, ${Math.round(generated / Math.max(totals.cpuSeconds, 1e-9))} per CPU second)`,
  );
  const header = ['topic', 'generated', ...sinks.map((s) => `${s} acked`)];
  const rows = TOPIC_NAMES.map((t) => [
    t,
    String(totals.generated[t]),
    ...sinks.map((s) => String(totals.acknowledged[s]![t])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    log(
      '  ' +
        row
          .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
          .join('  '),
    );
  if (totals.shortfall > 0)
    log(
      `! the sinks could not keep up: the schedule fell ${totals.shortfall} events behind the target and moved on`,
    );
  for (const sink of sinks)
    if (totals.failed[sink]! > 0)
      log(`✗ ${sink}: ${totals.failed[sink]} events failed (see the errors above)`);
  log(`totals ${JSON.stringify(totals)}`);
}

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`✗ ${(error as Error).message}\n`);
  process.exitCode = error instanceof GeneratorConfigError ? 2 : 1;
});
