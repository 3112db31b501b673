import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { LAKE_CATALOG } from '@datapark/config';
import { lakeCatalogStatements, provisionLakeCatalog } from '@datapark/db';
import { config } from './fixtures.js';

/** A connection as the catalog role, as Iceberg's JdbcCatalog makes it (no schema in the URL). */
async function asCatalog<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const { host, port, database } = config.postgres;
  const client = new pg.Client({
    host,
    port,
    database,
    user: LAKE_CATALOG.role,
    password: config.lake.catalogPassword,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function refused(statement: string): Promise<string> {
  try {
    await asCatalog((c) => c.query(statement));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`the catalog role was allowed: ${statement}`);
}

describe('the lake catalog role and schema', () => {
  beforeAll(() => provisionLakeCatalog(config)); // idempotent: what `up` runs

  it('lets the catalog role create, write and drop its tables in its own schema, found without a schema name', async () => {
    const table = `catalog_probe_${randomUUID().slice(0, 8)}`;
    await asCatalog(async (c) => {
      await c.query(`CREATE TABLE ${table} (catalog_name text, metadata_location text)`);
      try {
        await c.query(`INSERT INTO ${table} VALUES ('lake', 's3://lake/warehouse/x')`);
        const { rows } = await c.query(
          `SELECT table_schema FROM information_schema.tables WHERE table_name = $1`,
          [table],
        );
        expect(rows).toEqual([{ table_schema: LAKE_CATALOG.schema }]);
      } finally {
        await c.query(`DROP TABLE ${table}`);
      }
    });
  });

  it('reads no data schema and creates nothing outside its schema', async () => {
    for (const table of ['source.orders', 'raw.order_events', 'processed.daily_sales'])
      expect(await refused(`SELECT 1 FROM ${table} LIMIT 1`)).toMatch(/permission denied/);
    for (const schema of ['source', 'raw', 'processed', 'public'])
      expect(
        await refused(`CREATE TABLE ${schema}.intruder_${randomUUID().slice(0, 8)} (id int)`),
      ).toMatch(/permission denied for schema/);
  });

  it('keeps other component roles out of the catalog', async () => {
    const client = new pg.Client({
      host: config.postgres.host,
      port: config.postgres.port,
      database: config.postgres.database,
      user: config.postgres.roles.analyst.user,
      password: config.postgres.roles.analyst.password,
    });
    await client.connect();
    try {
      await expect(
        client.query(`CREATE TABLE ${LAKE_CATALOG.schema}.intruder (id int)`),
      ).rejects.toThrow(/permission denied for schema/);
    } finally {
      await client.end();
    }
  });

  it("lets the reader role (analyst) read the catalog's tables, also those created later, and change none", async () => {
    const table = `catalog_probe_${randomUUID().slice(0, 8)}`;
    await asCatalog((c) =>
      c.query(`CREATE TABLE ${table} (catalog_name text, metadata_location text);
               INSERT INTO ${table} VALUES ('lake', 's3://lake/warehouse/x')`),
    );
    const reader = new pg.Client({
      host: config.postgres.host,
      port: config.postgres.port,
      database: config.postgres.database,
      user: config.postgres.roles[LAKE_CATALOG.reader].user,
      password: config.postgres.roles[LAKE_CATALOG.reader].password,
    });
    await reader.connect();
    try {
      const qualified = `${LAKE_CATALOG.schema}.${table}`;
      const { rows } = await reader.query(`SELECT metadata_location FROM ${qualified}`);
      expect(rows).toEqual([{ metadata_location: 's3://lake/warehouse/x' }]);
      for (const statement of [
        `INSERT INTO ${qualified} VALUES ('lake', 's3://elsewhere')`,
        `UPDATE ${qualified} SET metadata_location = 's3://elsewhere'`,
        `DELETE FROM ${qualified}`,
        `TRUNCATE ${qualified}`,
        `DROP TABLE ${qualified}`,
      ])
        await expect(reader.query(statement)).rejects.toThrow(/permission denied|must be owner/);
    } finally {
      await reader.end();
      await asCatalog((c) => c.query(`DROP TABLE ${table}`));
    }
  });

  it('is set up by idempotent statements with no password in them', () => {
    const statements = lakeCatalogStatements({
      database: 'datapark',
      role: 'iceberg',
      schema: 'iceberg',
      reader: 'analyst',
    });
    expect(statements).toContain('CREATE SCHEMA IF NOT EXISTS "iceberg" AUTHORIZATION "iceberg"');
    expect(statements).toContain(
      'ALTER DEFAULT PRIVILEGES FOR ROLE "iceberg" IN SCHEMA "iceberg" GRANT SELECT ON TABLES TO "analyst"',
    );
    expect(statements.join('\n')).not.toMatch(/PASSWORD/i);
  });
});
