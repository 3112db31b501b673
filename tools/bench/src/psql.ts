import { spawnSync } from 'node:child_process';
import type { DataparkConfig } from '@datapark/config';

function psql(config: DataparkConfig, commands: readonly string[]): string {
  const { host, port, database, roles } = config.postgres;
  const result = spawnSync(
    'psql',
    [
      '-h',
      host,
      '-p',
      String(port),
      '-U',
      roles.owner.user,
      '-d',
      database,
      '-v',
      'ON_ERROR_STOP=1',
      '-q',
      ...commands.flatMap((c) => ['-c', c]),
    ],
    { env: { ...process.env, PGPASSWORD: roles.owner.password }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`psql ${commands.join('; ')} failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Runs one psql command (e.g. `\copy …`) as the owner role: the reference the loading
 * benchmarks measure against.
 */
export function psqlAsOwner(config: DataparkConfig, command: string): void {
  psql(config, [command]);
}

/**
 * Runs `command` after `setup` in one psql session and returns the command's own time in
 * seconds, as psql's \timing reports it: the statement alone, without psql's start, its
 * connection or the setup, the same window the benchmarks time our side in.
 */
export function timedPsql(
  config: DataparkConfig,
  setup: readonly string[],
  command: string,
): number {
  const out = psql(config, [...setup, '\\timing on', command]);
  const times = [...out.matchAll(/^Time: ([\d.]+) ms/gm)];
  if (times.length === 0) throw new Error(`psql printed no timing for ${command}:\n${out}`);
  return Number(times.at(-1)![1]) / 1000;
}
