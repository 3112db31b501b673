import pg from 'pg';
import type { DataparkConfig } from '@datapark/config';
import { postgresUrl } from '@datapark/config';

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface WorkspaceGrant {
  /** The schema the role writes: owned by `owner`, where `role` may create (and owns what it creates). */
  readonly schema: string;
  /** The migration owner's login name. */
  readonly owner: string;
  /** The login name that works in `schema`. */
  readonly role: string;
  /** Schemas the role reads, including tables the owner creates there later. */
  readonly reads: readonly string[];
}

/**
 * The statements every workspace shares (the learner's `lab`, dbt's `analytics`): the schema,
 * closed to PUBLIC, open for CREATE to its role, and read access to `reads`, also to tables a
 * later migration adds. Every statement is idempotent.
 */
export function workspaceGrantStatements(grant: WorkspaceGrant): string[] {
  const role = quoteIdent(grant.role);
  const owner = quoteIdent(grant.owner);
  const schema = quoteIdent(grant.schema);
  const reads = grant.reads.map(quoteIdent).join(', ');
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`,
    `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role}`,
    `GRANT USAGE ON SCHEMA ${reads} TO ${role}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${reads} TO ${role}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${reads} GRANT SELECT ON TABLES TO ${role}`,
  ];
}

/** Runs `statements` in order as the bootstrap superuser (provisioning after the migrations). */
export async function runAsAdmin(
  config: DataparkConfig,
  statements: readonly string[],
): Promise<void> {
  postgresUrl(config, 'admin'); // throws, naming the key and the fix, when the password is missing
  const { host, port, database } = config.postgres;
  const { user, password } = config.postgres.roles.admin;
  const admin = new pg.Client({ host, port, database, user, password });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}
