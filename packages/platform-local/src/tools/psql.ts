import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataparkConfig, PostgresRole } from '@datapark/config';
import { POSTGRES_ROLES, postgresUrl } from '@datapark/config';
import { PlatformError } from '@datapark/platform';
import { requireExecutable } from '../prerequisites.js';
import type { ToolInvocation } from './tool-invocation.js';

/** A `.pgpass` field: `\` and `:` escaped (https://www.postgresql.org/docs/15/libpq-pgpass.html). */
const pgpassField = (value: string) => value.replace(/[\\:]/g, (c) => `\\${c}`);

/**
 * psql connected to the platform's PostgreSQL as one role, with the password the platform
 * generated: in a passfile of its own (mode 0600, in a private directory, removed by
 * `dispose`), never on the command line. `-w`: psql never prompts, a refused password fails.
 *
 * @example
 * ```ts
 * const psql = psqlInvocation(loadConfig(), 'analyst', ['-c', 'select current_user']);
 * spawnSync(psql.command, psql.args, { env: psql.env, stdio: 'inherit' });
 * psql.dispose();
 * ```
 */
export function psqlInvocation(
  config: DataparkConfig,
  role: string,
  args: readonly string[] = [],
  options: { readonly database?: string } = {},
): ToolInvocation {
  if (!(POSTGRES_ROLES as readonly string[]).includes(role))
    throw new PlatformError(
      `unknown PostgreSQL role ${JSON.stringify(role)}`,
      'postgres',
      `use one of ${POSTGRES_ROLES.join(', ')} (analyst reads everything and writes nothing)`,
    );
  const known = role as PostgresRole;
  postgresUrl(config, known); // a ConfigError naming the key and the fix when there is no password
  const psql = requireExecutable('postgres', 'psql', { debianPackage: 'postgresql-client' });
  const { host, port } = config.postgres;
  const database = options.database ?? config.postgres.database;
  const { user, password } = config.postgres.roles[known];
  const dir = mkdtempSync(join(tmpdir(), 'datapark-psql-')); // mode 0700
  const passfile = join(dir, 'pgpass');
  writeFileSync(
    passfile,
    [host, String(port), database, user, password!].map(pgpassField).join(':') + '\n',
    { mode: 0o600 },
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGPASSFILE: passfile,
    PGAPPNAME: `datapark psql (${known})`,
  };
  // A password of the caller's own would win over the passfile.
  delete env['PGPASSWORD'];
  return {
    command: psql,
    args: [
      '-w',
      '--host',
      host,
      '--port',
      String(port),
      '--username',
      user,
      '--dbname',
      database,
      ...args,
    ],
    env,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
