#!/usr/bin/env node
import { Command } from 'commander';
import { batchCommands } from './commands/batch-command.js';
import { drillCommand } from './commands/drill-command.js';
import { ingestCommands } from './commands/ingest-command.js';
import { qualityCommands } from './commands/quality-command.js';
import { reportCommand } from './commands/report-command.js';
import { streamCommands } from './commands/stream-command.js';

// kafkajs 2.2.4 computes a negative timeout on Node 24 (harmless, see the README's
// troubleshooting); keep it out of the progress lines, and let every other warning through.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning')
    process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

// `datapark-etl report | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('datapark-etl')
  .description(
    'The Data Park ETL driver: ingest Kafka into raw, run the batch and streaming Spark jobs, check data quality, report',
  )
  .showHelpAfterError();

ingestCommands(program);
batchCommands(program);
streamCommands(program);
qualityCommands(program);
reportCommand(program);
drillCommand(program);

// Exit explicitly: a kafkajs or pg handle left open must not keep a finished command alive.
program.parseAsync().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`✗ ${(error as Error).message}\n`);
    process.exit(1);
  },
);
