import type { DataparkConfig, PostgresRole } from '@datapark/config';
import { LAKE_CATALOG } from '@datapark/config';
import { createPool } from '@datapark/db';
import { LakeCatalogAccessError } from './lake-error.js';

/** One table of the lake as Iceberg's JDBC catalog records it. */
export interface LakeTable {
  /** Iceberg's namespace (`gold`); a nested one is dotted (`a.b`). */
  readonly namespace: string;
  readonly name: string;
  /** The name a query uses: `lake.gold.daily_sales`. */
  readonly qualifiedName: string;
  /** The table's current metadata file (`s3://lake/warehouse/gold/daily_sales/metadata/…json`). */
  readonly metadataLocation: string;
}

/**
 * The lake's tables and their current metadata files, from the catalog's `iceberg_tables` in
 * PostgreSQL, read as `role` (default {@link LAKE_CATALOG}`.reader`, the read-only `analyst`,
 * which may SELECT the catalog's tables and nothing more of it). Views (`iceberg_type = 'VIEW'`)
 * are left out. No table yet (the catalog's tables are created by the first Spark write): `[]`.
 *
 * @example
 * ```ts
 * await readCatalogTables(loadConfig());
 * // SELECT table_namespace, table_name, metadata_location FROM iceberg.iceberg_tables
 * //  WHERE catalog_name = 'lake' AND coalesce(iceberg_type, 'TABLE') = 'TABLE'
 * // [{ namespace: 'gold', name: 'daily_sales', qualifiedName: 'lake.gold.daily_sales', … }]
 * ```
 */
export async function readCatalogTables(
  config: DataparkConfig,
  role: PostgresRole = LAKE_CATALOG.reader,
): Promise<readonly LakeTable[]> {
  const pool = createPool(config, role, { max: 1 });
  try {
    const { rows } = await pool.query<{
      table_namespace: string;
      table_name: string;
      metadata_location: string;
    }>(
      `SELECT table_namespace, table_name, metadata_location
         FROM ${LAKE_CATALOG.schema}.iceberg_tables
        WHERE catalog_name = $1 AND coalesce(iceberg_type, 'TABLE') = 'TABLE'
        ORDER BY table_namespace, table_name`,
      [LAKE_CATALOG.name],
    );
    return Object.freeze(
      rows.map((row) =>
        Object.freeze({
          namespace: row.table_namespace,
          name: row.table_name,
          qualifiedName: `${LAKE_CATALOG.name}.${row.table_namespace}.${row.table_name}`,
          metadataLocation: row.metadata_location,
        }),
      ),
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '42P01') return Object.freeze([]); // the catalog's table is not created yet
    if (code === '42501')
      throw new LakeCatalogAccessError(
        `the PostgreSQL role ${config.postgres.roles[role].user} may not read the lake's catalog (${LAKE_CATALOG.schema}.iceberg_tables)`,
        {
          code: 'LAKE_CATALOG_NOT_READABLE',
          hint:
            role === LAKE_CATALOG.reader
              ? 'restart the platform (npx nx run platform:up), which grants the catalog read to it'
              : `read it as ${LAKE_CATALOG.reader}, the role the platform lets read the catalog (the default of openLake)`,
          cause: error,
        },
      );
    throw error;
  } finally {
    await pool.end();
  }
}
