import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { postgresUrl, POSTGRES_ROLE_USERS } from '@datapark/config';
import { createMigrator, migrations } from '@datapark/db';
import { asAdmin, config } from './fixtures.js';

// Down and up again run in a scratch database, so the shared one other tests use stays intact.
const SCRATCH = 'datapark_migrations_test';

let db: Kysely<unknown>;

beforeAll(async () => {
  await asAdmin(`DROP DATABASE IF EXISTS ${SCRATCH} WITH (FORCE)`);
  await asAdmin(`CREATE DATABASE ${SCRATCH} OWNER ${POSTGRES_ROLE_USERS.owner}`);
  db = new Kysely({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: postgresUrl(config, 'owner', SCRATCH), max: 1 }),
    }),
  });
});

afterAll(async () => {
  await db.destroy();
  await asAdmin(`DROP DATABASE IF EXISTS ${SCRATCH} WITH (FORCE)`);
});

async function tables(): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
    WHERE table_schema IN ('source', 'raw', 'processed', 'quality', 'etl') ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

describe('migrations', () => {
  it('go up, all the way down, and up again to the same schema', async () => {
    const migrator = createMigrator(db);
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(up.results?.map((r) => [r.migrationName, r.status])).toEqual(
      Object.keys(migrations).map((name) => [name, 'Success']),
    );
    const first = await tables();
    // 22 tables, the dead-letter ledger and the landed-per-hour view.
    expect(first).toHaveLength(24);
    expect(first).toContain('raw.order_events');
    expect(first).toContain('etl.consumer_offsets');
    expect(first).toContain('etl.dead_letters');
    expect(first).toContain('etl.landed_per_hour');

    for (let i = 0; i < Object.keys(migrations).length; i++) {
      const down = await migrator.migrateDown();
      expect(down.error).toBeUndefined();
    }
    expect(await tables()).toEqual([]);
    const { rows: schemas } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM information_schema.schemata
      WHERE schema_name IN ('source', 'raw', 'processed', 'quality', 'etl')`.execute(db);
    expect(schemas[0]!.n).toBe(0);

    const again = await migrator.migrateToLatest();
    expect(again.error).toBeUndefined();
    expect(await tables()).toEqual(first);
  });

  it('is a no-op when already at the latest migration', async () => {
    const result = await createMigrator(db).migrateToLatest();
    expect(result.error).toBeUndefined();
    expect(result.results).toEqual([]);
  });
});
