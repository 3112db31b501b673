import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { labWorkspaceStatements, provisionLabWorkspace } from '@datapark/db';
import { config, connections, Rollback } from './fixtures.js';

const db = connections();
afterAll(() => db.closeAll());

/** A table name of this test run's own, so reruns and other tests never share it. */
const own = (what: string) => `${what}_${randomUUID().slice(0, 8)}`;

async function refused(statement: string, role: 'lab' | 'analyst' = 'lab'): Promise<string> {
  try {
    await sql.raw(statement).execute(db.as(role));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${role} was allowed: ${statement}`);
}

describe('the lab schema and role', () => {
  it('lets the lab role create a table in lab, write it, read it back and drop it', async () => {
    const lab = db.as('lab');
    const table = own('lab.orders_by_day');
    await sql.raw(`CREATE TABLE ${table} (day date PRIMARY KEY, orders int NOT NULL)`).execute(lab);
    try {
      await sql
        .raw(`INSERT INTO ${table} VALUES ('2026-11-01', 3), ('2026-11-02', 5)`)
        .execute(lab);
      await sql.raw(`UPDATE ${table} SET orders = orders + 1`).execute(lab);
      const { rows } = await sql
        .raw<{ total: number }>(`SELECT sum(orders)::int AS total FROM ${table}`)
        .execute(lab);
      expect(rows).toEqual([{ total: 10 }]);
    } finally {
      await sql.raw(`DROP TABLE ${table}`).execute(lab);
    }
  });

  it('puts an unqualified CREATE TABLE of the lab role into lab', async () => {
    const lab = db.as('lab');
    const name = own('scratch');
    await sql.raw(`CREATE TABLE ${name} (id int)`).execute(lab);
    const { rows } = await sql<{ schema: string; owner: string }>`
      SELECT schemaname AS schema, tableowner AS owner FROM pg_tables WHERE tablename = ${name}`.execute(
      lab,
    );
    await sql.raw(`DROP TABLE lab.${name}`).execute(lab);
    expect(rows).toEqual([{ schema: 'lab', owner: 'lab' }]);
  });

  it('reads source, raw and processed, and changes nothing there', async () => {
    const lab = db.as('lab');
    for (const table of ['source.orders', 'raw.order_events', 'processed.daily_sales']) {
      await sql.raw(`SELECT count(*) FROM ${table}`).execute(lab);
      expect(await refused(`DELETE FROM ${table} WHERE false`)).toMatch(/permission denied/);
      expect(await refused(`TRUNCATE ${table}`)).toMatch(/permission denied/);
    }
    expect(await refused('UPDATE processed.daily_sales SET orders_count = 0 WHERE false')).toMatch(
      /permission denied/,
    );
  });

  it('neither reads quality nor etl, nor creates a table outside lab', async () => {
    expect(await refused('SELECT 1 FROM quality.checks LIMIT 1')).toMatch(/permission denied/);
    expect(await refused('SELECT 1 FROM etl.job_runs LIMIT 1')).toMatch(/permission denied/);
    for (const schema of ['source', 'raw', 'processed', 'quality', 'etl', 'public'])
      expect(await refused(`CREATE TABLE ${schema}.${own('intruder')} (id int)`)).toMatch(
        /permission denied for schema/,
      );
  });

  it('keeps tables the owner creates later readable, and only readable', async () => {
    const owner = db.as('owner');
    const probe = own('later');
    // Created and inspected in one transaction, then rolled back: the shared schemas stay as
    // they were. has_table_privilege sees the transaction's own, uncommitted table.
    const seen = await owner
      .transaction()
      .execute(async (trx) => {
        const result: Record<string, unknown> = {};
        for (const schema of ['processed', 'quality']) {
          await sql.raw(`CREATE TABLE ${schema}.${probe} (id int)`).execute(trx);
          const { rows } = await sql<{ read: boolean; write: boolean }>`
            SELECT has_table_privilege('lab', ${`${schema}.${probe}`}, 'SELECT') AS read,
                   has_table_privilege('lab', ${`${schema}.${probe}`}, 'INSERT') AS write`.execute(
            trx,
          );
          result[schema] = rows[0];
        }
        throw new Rollback(JSON.stringify(result));
      })
      .catch((error: unknown) => {
        if (error instanceof Rollback) return JSON.parse(error.message);
        throw error;
      });
    expect(seen).toEqual({
      processed: { read: true, write: false },
      quality: { read: false, write: false },
    });
  });

  it("keeps the other roles out of the lab: no table there, no reading the learner's tables", async () => {
    const table = own('lab.private');
    await sql.raw(`CREATE TABLE ${table} (id int)`).execute(db.as('lab'));
    try {
      expect(await refused(`SELECT * FROM ${table}`, 'analyst')).toMatch(/permission denied/);
      expect(await refused(`CREATE TABLE lab.${own('analyst')} (id int)`, 'analyst')).toMatch(
        /permission denied for schema/,
      );
    } finally {
      await sql.raw(`DROP TABLE ${table}`).execute(db.as('lab'));
    }
  });

  it('is provisioned idempotently: applying it again changes no privilege', async () => {
    const privileges = async () => {
      const { rows } = await sql<{ acl: string; defaults: string; settings: string }>`
        SELECT (SELECT nspacl::text FROM pg_namespace WHERE nspname = 'lab') AS acl,
               (SELECT string_agg(defaclacl::text, ';' ORDER BY defaclnamespace)
                  FROM pg_default_acl) AS defaults,
               (SELECT string_agg(array_to_string(setconfig, ','), ';')
                  FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
                 WHERE r.rolname = 'lab') AS settings`.execute(db.as('owner'));
      return rows[0];
    };
    const before = await privileges();
    await provisionLabWorkspace(config);
    await provisionLabWorkspace(config);
    expect(await privileges()).toEqual(before);
    expect(before?.settings).toBe('search_path=lab');
    expect(before?.acl).toMatch(/lab=UC\/datapark_owner/);
  });

  it('is SQL the chart can run as it is: no parameters, every name quoted', () => {
    const statements = labWorkspaceStatements({
      database: 'datapark',
      owner: 'datapark_owner',
      lab: 'lab',
    });
    expect(statements[0]).toBe('CREATE SCHEMA IF NOT EXISTS "lab" AUTHORIZATION "datapark_owner"');
    expect(statements.join('\n')).not.toMatch(/\$\d/);
  });
});
