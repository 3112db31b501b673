import { sql } from 'kysely';
import pg from 'pg';
import type { PostgresRole } from '@datapark/config';
import { postgresUrl } from '@datapark/config';
import type { TableName } from '@datapark/db';
import { config, connections, Rollback, sampleRows } from './fixtures.js';

const db = connections();
afterAll(() => db.closeAll());

/** One table per schema without foreign keys, so an insert tests the privilege alone. */
const PROBES = {
  source: 'source.customers',
  raw: 'raw.order_events',
  processed: 'processed.daily_sales',
  quality: 'quality.checks',
  etl: 'etl.watermarks',
} as const satisfies Record<string, TableName>;
type Schema = keyof typeof PROBES;
const SCHEMAS = Object.keys(PROBES) as Schema[];

// What shared/DESIGN.md says each role is for, written out independently of the migration.
const EXPECTED: Record<
  Exclude<PostgresRole, 'admin' | 'owner'>,
  { read: Schema[]; write: Schema[] }
> = {
  generator: { read: ['source'], write: ['source'] },
  ingest: { read: ['raw', 'etl'], write: ['raw', 'etl'] },
  spark_etl: { read: ['source', 'raw', 'processed'], write: ['processed'] },
  airflow: { read: ['source', 'raw', 'processed', 'quality', 'etl'], write: ['quality', 'etl'] },
  analyst: { read: ['source', 'raw', 'processed', 'quality', 'etl'], write: [] },
  // The learner's role writes only in its own schema, lab (lab-workspace.test.ts).
  lab: { read: ['source', 'raw', 'processed'], write: [] },
  // The dbt project's role writes only in its own schema, analytics (dbt-workspace.test.ts).
  dbt: { read: ['source', 'raw'], write: [] },
};

async function allowed(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    if (error instanceof Rollback) return true;
    if (/permission denied/.test((error as Error).message)) return false;
    throw error;
  }
}

describe.each(Object.entries(EXPECTED))('role %s', (role, expected) => {
  it('reads and writes exactly the schemas it is for', async () => {
    const conn = db.as(role as PostgresRole);
    const actual = { read: [] as Schema[], write: [] as Schema[] };
    for (const schema of SCHEMAS) {
      const table = PROBES[schema];
      if (
        await allowed(() =>
          conn
            .selectFrom(table)
            .select(sql`1`.as('one'))
            .limit(1)
            .execute(),
        )
      ) {
        actual.read.push(schema);
      }
      const row = sampleRows()[table];
      const wrote = await allowed(() =>
        conn.transaction().execute(async (trx) => {
          await trx
            .insertInto(table)
            .values(row as never)
            .execute();
          throw new Rollback();
        }),
      );
      if (wrote) actual.write.push(schema);
    }
    expect(actual).toEqual(expected);
  });

  it('cannot create anything in any schema, public included', async () => {
    const conn = db.as(role as PostgresRole);
    for (const schema of [...SCHEMAS, 'public']) {
      await expect(
        sql.raw(`CREATE TABLE ${schema}.intruder (id int)`).execute(conn),
      ).rejects.toThrow(/permission denied for schema/);
    }
  });
});

describe('databases', () => {
  it('lets only the airflow role into the airflow metadata database', async () => {
    for (const role of ['analyst', 'ingest', 'spark_etl', 'generator', 'lab', 'dbt'] as const) {
      const client = new pg.Client({
        connectionString: postgresUrl(config, role, config.postgres.airflowDatabase),
      });
      await expect(client.connect()).rejects.toThrow(
        /permission denied for database|not have CONNECT privilege/,
      );
      await client.end().catch(() => undefined);
    }
    const airflow = new pg.Client({
      connectionString: postgresUrl(config, 'airflow', config.postgres.airflowDatabase),
    });
    await airflow.connect();
    const { rows } = await airflow.query('SELECT current_user AS who');
    await airflow.end();
    expect(rows[0].who).toBe('airflow');
  });

  it('does not let a component role into the maintenance database', async () => {
    const client = new pg.Client({ connectionString: postgresUrl(config, 'analyst', 'postgres') });
    await expect(client.connect()).rejects.toThrow(
      /permission denied for database|not have CONNECT privilege/,
    );
    await client.end().catch(() => undefined);
  });

  it('gives no component role superuser, role or database creation rights', async () => {
    const admin = new pg.Client({ connectionString: postgresUrl(config, 'admin', 'postgres') });
    await admin.connect();
    const { rows } = await admin.query(
      `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles
       WHERE rolname IN ('datapark_owner', 'ingest', 'spark_etl', 'airflow', 'analyst', 'generator', 'lab', 'dbt') ORDER BY rolname`,
    );
    await admin.end();
    expect(rows).toHaveLength(8);
    for (const row of rows)
      expect([row.rolname, row.rolsuper, row.rolcreaterole, row.rolcreatedb]).toEqual([
        row.rolname,
        false,
        false,
        false,
      ]);
  });
});
