import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { dbtWorkspaceStatements, provisionDbtWorkspace } from '@datapark/db';
import { config, connections } from './fixtures.js';

const db = connections();
afterAll(() => db.closeAll());

/** A table name of this test run's own, so reruns and other tests never share it. */
const own = (what: string) => `${what}_${randomUUID().slice(0, 8)}`;

async function refused(statement: string): Promise<string> {
  try {
    await sql.raw(statement).execute(db.as('dbt'));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`dbt was allowed: ${statement}`);
}

describe('the analytics schema and the dbt role', () => {
  it('lets the dbt role build a table and a view in analytics from source and raw, and drop them', async () => {
    const dbt = db.as('dbt');
    const table = own('analytics.orders_by_status');
    const view = own('analytics.events_by_type');
    await sql
      .raw(`CREATE TABLE ${table} AS SELECT status, count(*) AS n FROM source.orders GROUP BY 1`)
      .execute(dbt);
    await sql
      .raw(
        `CREATE VIEW ${view} AS SELECT event_type, count(*) AS n FROM raw.order_events GROUP BY 1`,
      )
      .execute(dbt);
    try {
      const { rows } = await sql
        .raw<{ tables: number }>(`SELECT count(*)::int AS tables FROM ${table}`)
        .execute(dbt);
      expect(rows[0]?.tables).toBeGreaterThanOrEqual(0);
      await sql.raw(`CREATE TEMPORARY TABLE scratch AS SELECT 1 AS id`).execute(dbt);
    } finally {
      await sql.raw(`DROP VIEW ${view}`).execute(dbt);
      await sql.raw(`DROP TABLE ${table}`).execute(dbt);
    }
  });

  it('reads neither processed, quality nor etl, writes nothing in source or raw, creates nothing outside analytics', async () => {
    for (const table of ['processed.daily_sales', 'quality.checks', 'etl.job_runs'])
      expect(await refused(`SELECT 1 FROM ${table} LIMIT 1`)).toMatch(/permission denied/);
    for (const table of ['source.orders', 'raw.order_events'])
      expect(await refused(`DELETE FROM ${table} WHERE false`)).toMatch(/permission denied/);
    for (const schema of ['source', 'raw', 'processed', 'quality', 'etl', 'lab', 'public'])
      expect(await refused(`CREATE TABLE ${schema}.${own('intruder')} (id int)`)).toMatch(
        /permission denied for schema/,
      );
  });

  it('lets the analyst read what dbt builds, and nothing more', async () => {
    const table = own('analytics.for_analyst');
    await sql.raw(`CREATE TABLE ${table} AS SELECT 1 AS id`).execute(db.as('dbt'));
    try {
      const { rows } = await sql
        .raw<{ id: number }>(`SELECT id FROM ${table}`)
        .execute(db.as('analyst'));
      expect(rows).toEqual([{ id: 1 }]);
      await expect(sql.raw(`DELETE FROM ${table}`).execute(db.as('analyst'))).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await sql.raw(`DROP TABLE ${table}`).execute(db.as('dbt'));
    }
  });

  it('is provisioned idempotently: applying it again changes no privilege', async () => {
    const acl = async () => {
      const { rows } = await sql<{ acl: string }>`
        SELECT nspacl::text AS acl FROM pg_namespace WHERE nspname = 'analytics'`.execute(
        db.as('owner'),
      );
      return rows[0]?.acl;
    };
    const before = await acl();
    await provisionDbtWorkspace(config);
    await provisionDbtWorkspace(config);
    expect(await acl()).toEqual(before);
    expect(before).toMatch(/dbt=UC\/datapark_owner/);
  });

  it('is SQL the chart can run as it is: no parameters, every name quoted', () => {
    const statements = dbtWorkspaceStatements({
      database: 'datapark',
      owner: 'datapark_owner',
      dbt: 'dbt',
      analyst: 'analyst',
    });
    expect(statements[0]).toBe(
      'CREATE SCHEMA IF NOT EXISTS "analytics" AUTHORIZATION "datapark_owner"',
    );
    expect(statements.join('\n')).not.toMatch(/\$\d/);
  });
});
