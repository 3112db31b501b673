#!/usr/bin/env node
// `npm run demo`: build, start the whole local platform with progress, and print where to look.
// `npm run demo -- --down` stops it again (data kept). The end-to-end pipeline (generator →
// ingest → batch DAG → quality checks → report) joins this script with the ETL driver.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const cli = join(root, 'packages', 'platform', 'dist', 'cli.js');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.argv.includes('--down')) {
  run(process.execPath, [cli, 'down']);
  process.exit(0);
}

run(join(root, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '--outputStyle=static']);
run(process.execPath, [cli, 'up']);

const endpoints = JSON.parse(readFileSync(join(root, '.datapark', 'endpoints.json'), 'utf8'));
const lines = [
  ['Jupyter', `${endpoints.jupyter.url}/lab?token=…  (token: jupyter.token in .datapark/endpoints.json)`],
  ['Spark master UI', endpoints.spark.uiUrl],
  ['Spark history server', endpoints.spark.historyUrl],
  ['Spark REST submission', endpoints.spark.restUrl],
  ['Kafka brokers', endpoints.kafka.bootstrapServers.join(', ')],
  ['PostgreSQL', `${endpoints.postgres.host}:${endpoints.postgres.port}, database datapark (role passwords in the endpoints file)`],
];
process.stdout.write('\nData Park is up. Where to look next:\n');
for (const [what, where] of lines) process.stdout.write(`  ${what.padEnd(22)} ${where}\n`);
process.stdout.write(
  '\nTry: the notebooks in apps/notebooks (Kafka, PostgreSQL, Spark), ' +
    'npx nx run bench:producer, and `npm run demo -- --down` to stop.\n',
);
