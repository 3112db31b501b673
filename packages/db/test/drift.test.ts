import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { POSTGRES_ROLE_USERS, postgresUrl } from '@datapark/config';
import { createMigrator } from '@datapark/db';
import { checkDrift } from './drift-check.js';
import { asAdmin, config } from './fixtures.js';

describe('schema drift check (kysely-codegen against the hand-written Database)', () => {
  it('finds no drift between the migrated database and the Database interface', () => {
    const result = checkDrift(postgresUrl(config, 'owner'));
    if (!result.ok)
      throw new Error(`The Database types drifted from the migrated schema:\n${result.report}`);
    expect(result.ok).toBe(true);
  }, 120_000);

  it('catches a column the types do not know, naming the table and the column', async () => {
    const scratch = 'datapark_drift_test';
    await asAdmin(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await asAdmin(`CREATE DATABASE ${scratch} OWNER ${POSTGRES_ROLE_USERS.owner}`);
    const url = postgresUrl(config, 'owner', scratch);
    const db = new Kysely({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    });
    try {
      expect((await createMigrator(db).migrateToLatest()).error).toBeUndefined();
      await sql`ALTER TABLE source.customers ADD COLUMN loyalty_tier text NOT NULL DEFAULT 'none'`.execute(
        db,
      );
      await sql`ALTER TABLE etl.watermarks ALTER COLUMN value DROP NOT NULL`.execute(db);
      const result = checkDrift(url, join(import.meta.dirname, '..', '.drift-negative'));
      expect(result.ok).toBe(false);
      expect(result.report).toMatch(
        /^source\.customers: \{ columnsOnlyInDatabase: "loyalty_tier"; \}$/m,
      );
      expect(result.report).toMatch(/^etl\.watermarks: .*wrongNullability: "value"/m);
    } finally {
      await db.destroy();
      await asAdmin(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    }
  }, 120_000);
});
