import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DataparkConfig, PostgresRole } from '@datapark/config';
import { postgresUrl } from '@datapark/config';
import type { Database } from './schema/database.js';

/** node-postgres' types, so apps name them without depending on pg themselves. */
export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type ClientBase = pg.ClientBase;

const DATE_OID = 1082;

/**
 * node-postgres turns `date` into a Date at local midnight, which shifts it by the time zone.
 * Keep it as the 'YYYY-MM-DD' PostgreSQL sent.
 */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID && format !== 'binary') return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * A connection pool for one role, with the `date` parser above. The password is passed on its
 * own, never in a connection string: node-postgres hides a `password` option from
 * `util.inspect`, but a `connectionString` would show it whenever a pool is logged.
 */
export function createPool(
  config: DataparkConfig,
  role: PostgresRole,
  options: pg.PoolConfig = {},
): pg.Pool {
  postgresUrl(config, role); // throws, naming the key and the fix, when the password is missing
  const { user, password } = config.postgres.roles[role];
  return new pg.Pool({
    host: config.postgres.host,
    port: config.postgres.port,
    database: config.postgres.database,
    user,
    password,
    types: pgTypes,
    ...options,
  });
}

/**
 * A typed Kysely instance connected as one role.
 *
 * @example
 * ```ts
 * const db = createDb(loadConfig(), 'analyst');
 * await db.selectFrom('processed.daily_sales').select(['sales_date', 'revenue']).execute();
 * await db.destroy();
 * ```
 */
export function createDb(
  config: DataparkConfig,
  role: PostgresRole,
  options: pg.PoolConfig = {},
): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: createPool(config, role, options) }),
  });
}
