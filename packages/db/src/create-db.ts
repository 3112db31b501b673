import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DataparkConfig, PostgresRole } from '@datapark/config';
import { postgresUrl } from '@datapark/config';
import { explainConnectionError } from './connection-error.js';
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
 *
 * A connection that cannot be made fails with a {@link PostgresConnectionError} naming the
 * address and, when an option or a `DATAPARK_*` variable points away from the platform, which
 * one and where the platform is; the driver's error is its `cause`.
 */
export function createPool(
  config: DataparkConfig,
  role: PostgresRole,
  options: pg.PoolConfig = {},
): pg.Pool {
  postgresUrl(config, role); // throws, naming the key and the fix, when the password is missing
  const { user, password } = config.postgres.roles[role];
  const pool = new pg.Pool({
    host: config.postgres.host,
    port: config.postgres.port,
    database: config.postgres.database,
    user,
    password,
    types: pgTypes,
    ...options,
  });
  explainConnectErrors(pool, (error) => explainConnectionError(config, role, error));
  return pool;
}

type ConnectCallback = (error: Error | undefined, client?: pg.PoolClient, done?: unknown) => void;

/**
 * Every way of getting a connection goes through `pool.connect` (Kysely, `pool.query`, our
 * own code), in its promise and its callback form: both get the explained error.
 */
function explainConnectErrors(pool: pg.Pool, explain: (error: unknown) => unknown): void {
  const connect = pool.connect.bind(pool) as (callback?: ConnectCallback) => unknown;
  const patched = (callback?: ConnectCallback): unknown => {
    if (callback)
      return connect((error, client, done) =>
        callback(error ? (explain(error) as Error) : error, client, done),
      );
    return (connect() as Promise<pg.PoolClient>).catch((error: unknown) => {
      throw explain(error);
    });
  };
  pool.connect = patched as typeof pool.connect;
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
