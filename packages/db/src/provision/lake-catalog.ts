import type { DataparkConfig } from '@datapark/config';
import { LAKE_CATALOG, POSTGRES_ROLE_USERS } from '@datapark/config';
import { DbError } from '../db-error.js';
import { quoteIdent, runAsAdmin } from './workspace.js';

export interface LakeCatalogNames {
  /** The Data Park database, where the catalog's tables live. */
  readonly database: string;
  /** The catalog's login role and its schema (both `iceberg`). */
  readonly role: string;
  readonly schema: string;
  /** Login name of the role that reads the catalog's tables (`analyst`): SELECT only. */
  readonly reader: string;
}

/**
 * The catalog role's attributes (`ALTER ROLE iceberg WITH …`, the password apart): a login that
 * may do nothing beyond its own schema, with few connections (the catalog opens a small pool per
 * Spark session).
 */
export const LAKE_CATALOG_ROLE_ATTRIBUTES =
  'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT 20';

/**
 * The Iceberg JDBC catalog's place in PostgreSQL, as SQL run by the bootstrap superuser: a login
 * role `iceberg` that may connect to the Data Park database, and a schema `iceberg` it owns,
 * where Iceberg creates its `iceberg_tables` and `iceberg_namespace_properties` on first use.
 * Nothing else: the role reads no other schema (the catalog holds pointers to metadata files in
 * the object store, not data). The `reader` may SELECT those tables, including the ones Iceberg
 * creates later (default privileges of the catalog role), and nothing else there: that is how
 * `@datapark/lake` finds each table's current metadata file without the catalog's password.
 * Every statement is idempotent; the password is set apart, by {@link provisionLakeCatalog}.
 *
 * @example
 * ```ts
 * lakeCatalogStatements({ database: 'datapark', role: 'iceberg', schema: 'iceberg', reader: 'analyst' })[1];
 * // CREATE SCHEMA IF NOT EXISTS "iceberg" AUTHORIZATION "iceberg"
 * ```
 */
export function lakeCatalogStatements(names: LakeCatalogNames): readonly string[] {
  const role = quoteIdent(names.role);
  const schema = quoteIdent(names.schema);
  const reader = quoteIdent(names.reader);
  return [
    `GRANT CONNECT ON DATABASE ${quoteIdent(names.database)} TO ${role}`,
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`,
    // Unqualified names (Iceberg's CREATE TABLE iceberg_tables …) land in its own schema.
    `ALTER ROLE ${role} IN DATABASE ${quoteIdent(names.database)} SET search_path = ${schema}`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${reader}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${reader}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${role} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${reader}`,
  ];
}

/**
 * Creates (or sets the password of) the catalog role, then {@link lakeCatalogStatements}, as the
 * bootstrap superuser. Needs `lake.catalogPassword`, which the platform generates at `up`.
 */
export async function provisionLakeCatalog(config: DataparkConfig): Promise<void> {
  const password = config.lake.catalogPassword;
  if (!password)
    throw new DbError('no password for the lake catalog role iceberg', {
      code: 'ROLE_PASSWORD_MISSING',
      hint: 'the platform generates it at up (lake.catalogPassword): npx nx run platform:up --only postgres',
    });
  const role = quoteIdent(LAKE_CATALOG.role);
  const literal = `'${password.replace(/'/g, "''")}'`;
  await runAsAdmin(config, [
    `DO $$ BEGIN CREATE ROLE ${role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
    `ALTER ROLE ${role} WITH ${LAKE_CATALOG_ROLE_ATTRIBUTES} PASSWORD ${literal}`,
    ...lakeCatalogStatements({
      database: config.postgres.database,
      role: LAKE_CATALOG.role,
      schema: LAKE_CATALOG.schema,
      reader: POSTGRES_ROLE_USERS[LAKE_CATALOG.reader],
    }),
  ]);
}
