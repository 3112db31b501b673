import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { POSTGRES_ROLE_USERS } from '@datapark/config';
import { SCHEMAS } from './0001-schemas.js';

type Schema = (typeof SCHEMAS)[number];
type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE';

const READ: Privilege[] = ['SELECT'];
const WRITE: Privilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * Who may do what, per schema: shared/DESIGN.md's roles, least privilege. Anything not listed
 * is refused; nobody but the owner may create objects.
 */
const GRANTS: Readonly<Record<string, Partial<Record<Schema, Privilege[]>>>> = Object.freeze({
  generator: { source: WRITE },
  ingest: { raw: ['SELECT', 'INSERT'], etl: WRITE },
  // Spark re-runs a date by replacing its rows, so it may delete in (and truncate) processed.
  spark_etl: { source: READ, raw: READ, processed: [...WRITE, 'TRUNCATE'] },
  airflow: { source: READ, raw: READ, processed: READ, quality: WRITE, etl: WRITE },
  analyst: { source: READ, raw: READ, processed: READ, quality: READ, etl: READ },
});

function statements(grant: boolean): string[] {
  const owner = POSTGRES_ROLE_USERS.owner;
  const out: string[] = [];
  for (const [role, schemas] of Object.entries(GRANTS)) {
    const user = POSTGRES_ROLE_USERS[role as keyof typeof POSTGRES_ROLE_USERS];
    for (const [schema, privileges] of Object.entries(schemas)) {
      const list = privileges!.join(', ');
      if (grant) {
        out.push(`GRANT USAGE ON SCHEMA ${schema} TO ${user}`);
        out.push(`GRANT ${list} ON ALL TABLES IN SCHEMA ${schema} TO ${user}`);
        // Tables a later migration creates get the same grants.
        out.push(
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT ${list} ON TABLES TO ${user}`,
        );
      } else {
        out.push(
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} REVOKE ${list} ON TABLES FROM ${user}`,
        );
        out.push(`REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${user}`);
        out.push(`REVOKE USAGE ON SCHEMA ${schema} FROM ${user}`);
      }
    }
  }
  return out;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const schema of SCHEMAS)
    await sql.raw(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`).execute(db);
  for (const statement of statements(true)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements(false)) await sql.raw(statement).execute(db);
}
