import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { airflowEnvironment } from './environment.js';
import { startedExecutor } from './executor.js';
import { airflowPaths, NAME } from './paths.js';
import { loadAirflowSecrets } from './secrets.js';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The environment of an Airflow process: ours, with every Airflow setting on top. */
export const processEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  ...env,
});

/**
 * Writes the settings, the passwords file and the CLI wrapper; returns the environment.
 * Rewritten at every start so they follow @datapark/config. `nothingRuns` lets a too-short JWT
 * secret be replaced (every process must share one).
 */
export function writeAirflowSettings(
  ctx: ComponentContext,
  nothingRuns = false,
): Record<string, string> {
  const p = airflowPaths(ctx);
  mkdirSync(p.pids, { recursive: true });
  mkdirSync(join(ctx.dir, 'bin'), { recursive: true });
  mkdirSync(p.taskLogs, { recursive: true });
  // A fresh clone has the folder once the DAGs land; Airflow must not fail before.
  for (const dir of [p.dags, p.labDags, p.testDags]) mkdirSync(dir, { recursive: true });
  chmodSync(ctx.dir, 0o700);
  const env = airflowEnvironment(
    ctx,
    startedExecutor(ctx),
    loadAirflowSecrets(p.secrets, nothingRuns),
  );
  const password = ctx.config.airflow.password;
  if (!password) throw new PlatformError('no Airflow password was generated', NAME, 'run up');
  // The simple auth manager reads this file (and would invent admin's password without it).
  writeFileSync(
    p.passwords,
    JSON.stringify({ [ctx.config.airflow.username]: password }, null, 2) + '\n',
    { mode: 0o600 },
  );
  writeFileSync(
    p.envFile,
    Object.entries(env)
      .map(([key, value]) => `${key}=${shellQuote(value)}`)
      .join('\n') + '\n',
    { mode: 0o600 },
  );
  writeFileSync(
    p.cli,
    [
      '#!/bin/sh',
      "# The airflow CLI with the local platform's settings (written at every `up`).",
      `set -a; . ${shellQuote(p.envFile)}; set +a`,
      `exec ${shellQuote(p.airflow)} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o700 },
  );
  return env;
}
