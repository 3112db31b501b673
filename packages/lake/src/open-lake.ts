import type { DataparkConfig, PostgresRole } from '@datapark/config';
import { LAKE_CATALOG, s3Connection } from '@datapark/config';
import { DuckDBInstance } from '@duckdb/node-api';
import { readCatalogTables } from './catalog-tables.js';
import { defaultExtensionDirectory, loadLakeExtensions } from './extensions.js';
import { Lake } from './lake.js';
import { LakeError } from './lake-error.js';
import { s3SecretStatement } from './s3-secret.js';

export interface OpenLakeOptions {
  /**
   * Where DuckDB's extensions are (tools/ci/duckdb.sh puts them there); default
   * {@link defaultExtensionDirectory}: `$DATAPARK_DUCKDB_EXTENSION_DIR` or
   * `~/.cache/datapark/duckdb/extensions`.
   */
  readonly extensionDirectory?: string;
  /** The PostgreSQL role that reads the catalog; default `LAKE_CATALOG.reader` (`analyst`). */
  readonly catalogRole?: PostgresRole;
}

/**
 * Opens the lake for reading from TypeScript (a script, a test, the Deno notebook kernel): an
 * in-process DuckDB with its iceberg and httpfs extensions loaded from the extension directory,
 * an S3 secret for the platform's object store (`s3.*` of the config: path-style, the keys never
 * printed), and one view `lake.<namespace>.<table>` per table of the Iceberg catalog, pointed at
 * the metadata file the catalog in PostgreSQL names as current (read as the read-only `analyst`).
 * Nothing is copied: each query reads the tables' Parquet files from the object store.
 *
 * @example
 * ```ts
 * import { loadConfig } from '@datapark/config';
 * import { openLake } from '@datapark/lake';
 *
 * using lake = await openLake(loadConfig());
 * lake.tables.map((t) => t.qualifiedName); // ['lake.bronze.order_events', …, 'lake.gold.daily_sales', …]
 * await lake.gold.dailySales({ from: '2026-11-01' }); // [{ sales_date: '2026-11-01', revenue: '1234.50', … }]
 * await lake.query<{ n: string }>('SELECT count(*) AS n FROM lake.silver.orders');
 * ```
 * @throws {LakeExtensionsMissingError} when the extensions are not installed (`hint`: the command).
 * @throws {ConfigError} when the object store's keys are missing (the platform makes them at `up`).
 * @throws {LakeCatalogAccessError} when the role may not read the catalog.
 */
export async function openLake(
  config: DataparkConfig,
  options: OpenLakeOptions = {},
): Promise<Lake> {
  s3Connection(config); // a ConfigError naming the key and the fix, before anything starts
  const directory = options.extensionDirectory ?? defaultExtensionDirectory();
  const instance = await DuckDBInstance.create(':memory:', {
    extension_directory: directory,
    // Never download: DuckDB's extension site is not reachable here, and what runs is what the
    // lock pinned. Signed extensions only (allow_unsigned_extensions stays false).
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
  // Data Park's days are UTC days (Spark's session time zone): `occurred_at::DATE` is too.
  await connection.run("SET TimeZone = 'UTC'");
  const lake = new Lake(instance, connection, () =>
    readCatalogTables(config, options.catalogRole ?? LAKE_CATALOG.reader),
  );
  try {
    await loadLakeExtensions(connection, directory);
    await createSecret(config, (sql) => connection.run(sql));
    await lake.refresh();
    return lake;
  } catch (error) {
    lake.close();
    throw error;
  }
}

/**
 * Runs the secret's statement; a refusal is reported with the keys cut out of DuckDB's message
 * (a parser error quotes the statement), and without the original error as its cause.
 */
async function createSecret(
  config: DataparkConfig,
  run: (sql: string) => Promise<unknown>,
): Promise<void> {
  try {
    await run(s3SecretStatement(config));
  } catch (error) {
    const { accessKeyId, secretAccessKey } = s3Connection(config).credentials;
    const raw = (error as { message?: unknown }).message;
    const message = String(typeof raw === 'string' ? raw : error)
      .split(secretAccessKey)
      .join('<redacted>')
      .split(accessKeyId)
      .join('<redacted>');
    throw new LakeError(`DuckDB refused the object store's secret: ${message}`, {
      code: 'LAKE_SECRET_REFUSED',
      hint: 'check s3.url and s3.region (npx datapark status shows the object store)',
    });
  }
}
