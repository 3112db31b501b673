import { spawnSync } from 'node:child_process';
import type { DataparkConfig } from '@datapark/config';

/**
 * Runs one psql command (e.g. `\copy …`) as the owner role: the reference the loading
 * benchmarks measure against.
 */
export function psqlAsOwner(config: DataparkConfig, command: string): void {
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
      '-c',
      command,
    ],
    { env: { ...process.env, PGPASSWORD: roles.owner.password }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`psql ${command} failed: ${result.stderr}`);
}
