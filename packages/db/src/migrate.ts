import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { MigrationResultSet } from 'kysely/migration';
import type { DataparkConfig } from '@datapark/config';
import { createPool } from './create-db.js';
import { migrations } from './migrations/index.js';
import { DbError } from './db-error.js';

/** A Migrator over the static migration list, run as the owner role. */
export function createMigrator(db: Kysely<unknown>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
    migrationTableSchema: 'public',
  });
}

function ownerDb(config: DataparkConfig): Kysely<unknown> {
  return new Kysely<unknown>({
    dialect: new PostgresDialect({
      pool: createPool(config, 'owner', { max: 1 }),
    }),
  });
}

function check(result: MigrationResultSet, direction: string): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new DbError(`migration ${failed} failed (${direction}): ${cause}`, {
      code: 'MIGRATION_FAILED',
      hint: "the migration rolled back; see PostgreSQL's log: npx nx run platform:logs -- postgres",
      cause: result.error,
    });
  }
  return result;
}

/** Migrates the Data Park database to the newest schema. */
export async function migrateToLatest(config: DataparkConfig): Promise<MigrationResultSet> {
  const db = ownerDb(config);
  try {
    return check(await createMigrator(db).migrateToLatest(), 'up');
  } finally {
    await db.destroy();
  }
}
