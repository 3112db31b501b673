import { LAKE_CATALOG, loadConfig } from '@datapark/config';
import { createPool, provisionLakeCatalog } from '@datapark/db';
import type { Lake } from '@datapark/lake';
import {
  LakeCatalogAccessError,
  LakeQueryError,
  LakeTableNotFoundError,
  openLake,
} from '@datapark/lake';

// Against the running platform: its catalog in PostgreSQL, its object store. What the tables
// hold is apps/spark-jobs/test/lake-daily.test.ts's to check (it writes a day and compares it
// with processed); here, how the lake is opened and what it says when something is wrong.
const config = loadConfig();
let lake: Lake;

beforeAll(async () => {
  await provisionLakeCatalog(config); // idempotent: what `up` runs, the analyst's read included
  lake = await openLake(config);
}, 120_000);
afterAll(() => lake?.close());

/** The catalog as its owner sees it (the superuser here), to compare with what the lake shows. */
async function catalogAsAdmin() {
  const pool = createPool(config, 'admin', { max: 1 });
  try {
    const exists = await pool.query(`SELECT to_regclass($1) AS t`, [
      `${LAKE_CATALOG.schema}.iceberg_tables`,
    ]);
    if (!exists.rows[0].t) return [];
    const { rows } = await pool.query<{ name: string; metadata_location: string }>(
      `SELECT 'lake.' || table_namespace || '.' || table_name AS name, metadata_location
         FROM ${LAKE_CATALOG.schema}.iceberg_tables
        WHERE catalog_name = $1 AND coalesce(iceberg_type, 'TABLE') = 'TABLE' ORDER BY 1`,
      [LAKE_CATALOG.name],
    );
    return rows;
  } finally {
    await pool.end();
  }
}

describe('the lake opened with DuckDB', () => {
  it('has one view per table of the catalog, over the metadata file the catalog names, each readable from the store', async () => {
    // Spark may commit to a table meanwhile (other projects' tests): compare with the catalog
    // as it was on both sides of a refresh that saw no commit.
    let catalog = await catalogAsAdmin();
    for (let attempt = 1; ; attempt++) {
      await lake.refresh();
      const after = await catalogAsAdmin();
      if (JSON.stringify(after) === JSON.stringify(catalog) || attempt === 5) break;
      catalog = after;
    }
    expect(lake.tables.map((t) => [t.qualifiedName, t.metadataLocation])).toEqual(
      catalog.map((r) => [r.name, r.metadata_location]),
    );
    const views = await lake.query<{ name: string; sql: string }>(
      `SELECT 'lake.' || schema_name || '.' || view_name AS name, sql
         FROM duckdb_views() WHERE database_name = 'lake' ORDER BY 1`,
    );
    expect(views.map((v) => v.name)).toEqual(catalog.map((r) => r.name));
    for (const [i, view] of views.entries())
      expect(view.sql).toContain(`iceberg_scan('${catalog[i]!.metadata_location}')`);
    // Each table's files come from the object store through the S3 secret (path-style, no TLS).
    for (const table of lake.tables) {
      const [row] = await lake.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${table.qualifiedName}`,
      );
      expect(Number(row!.n)).toBeGreaterThanOrEqual(0);
      const snapshots = await lake.snapshots(table.qualifiedName);
      expect(snapshots.length).toBeGreaterThan(0);
    }
    console.info(
      `lake tables: ${lake.tables.map((t) => t.qualifiedName).join(', ') || 'none yet'}`,
    );
  });

  it('names the tables it has and the fix when a query names one it has not', async () => {
    const error = await lake
      .query('SELECT * FROM lake.gold.no_such_table')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeTableNotFoundError);
    const missing = error as LakeTableNotFoundError;
    expect(missing.code).toBe('LAKE_TABLE_NOT_FOUND');
    expect(missing.known).toEqual(lake.tables.map((t) => t.qualifiedName));
    expect(missing.message).toMatch(/no_such_table is not a table of the lake; it holds /);
    expect(missing.hint).toMatch(/lake_daily\.py .*lake\.refresh\(\)/);
    expect(() => lake.table('silver.no_such_table')).toThrow(LakeTableNotFoundError);
  });

  it("reports DuckDB's other errors as LakeQueryError, with no key of the store in them", async () => {
    const error = await lake
      .query(`SELECT * FROM read_parquet('s3://lake/no-such-prefix/none.parquet')`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeQueryError);
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).toMatch(/no-such-prefix/);
    for (const secret of [config.s3.accessKeyId!, config.s3.secretAccessKey!])
      expect(text).not.toContain(secret);
  });

  it('reads the catalog as analyst only: another role is refused, naming the one to use', async () => {
    const error = await openLake(config, { catalogRole: 'lab' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeCatalogAccessError);
    expect((error as LakeCatalogAccessError).message).toContain(
      `the PostgreSQL role lab may not read the lake's catalog (${LAKE_CATALOG.schema}.iceberg_tables)`,
    );
    expect((error as LakeCatalogAccessError).hint).toMatch(/read it as analyst/);
  });
});
