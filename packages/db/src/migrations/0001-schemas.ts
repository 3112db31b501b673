import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * The five schemas of the data model; nothing is created in `public`. Frozen with this
 * migration: the live list is schema/layout.ts.
 */
export const SCHEMAS = ['source', 'raw', 'processed', 'quality', 'etl'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`REVOKE ALL ON SCHEMA public FROM PUBLIC`.execute(db);
  for (const schema of SCHEMAS) await db.schema.createSchema(schema).ifNotExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const schema of [...SCHEMAS].reverse())
    await db.schema.dropSchema(schema).ifExists().cascade().execute();
  await sql`GRANT USAGE ON SCHEMA public TO PUBLIC`.execute(db);
}
