import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import pg from 'pg';
import { postgresUrl } from '@datapark/config';
import type { ComponentContext } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { airflowPaths, NAME } from './paths.js';
import { processEnv } from './settings-files.js';

/** The alembic revision the `airflow` database is at (undefined before the first migrate). */
async function databaseRevision(ctx: ComponentContext): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: postgresUrl(ctx.config, 'airflow', ctx.config.postgres.airflowDatabase),
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    const result = await client.query<{ version_num: string }>(
      "SELECT version_num FROM alembic_version WHERE to_regclass('public.alembic_version') IS NOT NULL",
    );
    return result.rows[0]?.version_num;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `airflow db migrate`, skipped when the database is at the revision our last migrate left
 * (it is idempotent, but costs ~15 s of imports on every `up`). A new Airflow version changes
 * the venv, and the stamp names it, so an upgrade migrates.
 */
export async function migrateMetadataDatabase(
  ctx: ComponentContext,
  env: Record<string, string>,
): Promise<void> {
  const p = airflowPaths(ctx);
  const version = statSync(p.airflow).mtimeMs.toFixed(0);
  const revision = await databaseRevision(ctx);
  const stamp = existsSync(p.migratedStamp) ? readFileSync(p.migratedStamp, 'utf8').trim() : '';
  if (revision && stamp === `${version} ${revision}`) return;
  ctx.reporter.step(NAME, 'migrating the metadata database (airflow db migrate)');
  const result = await execa(p.airflow, ['db', 'migrate'], {
    env: processEnv(env),
    reject: false,
    all: true,
    cwd: ctx.dir,
  });
  if (result.exitCode !== 0) {
    throw new PlatformError(
      `airflow db migrate failed:\n${String(result.all).split('\n').slice(-25).join('\n')}`,
      NAME,
      `check that PostgreSQL is up (npx nx run platform:up -- --only postgres) and see ${ctx.logDir}`,
    );
  }
  const after = await databaseRevision(ctx);
  if (after) writeFileSync(p.migratedStamp, `${version} ${after}\n`);
}

/**
 * Drops the metadata database: its connections and variables are encrypted with the Fernet
 * key that `down --purge` deletes with this directory. The next `up` creates it again.
 */
export async function dropMetadataDatabase(ctx: ComponentContext): Promise<void> {
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: postgresUrl(ctx.config, 'admin', 'postgres'),
      connectionTimeoutMillis: 3000,
    });
    await client.connect();
  } catch {
    return; // PostgreSQL is down or was never set up: a full purge deletes its data anyway.
  }
  try {
    const db = client.escapeIdentifier(ctx.config.postgres.airflowDatabase);
    await client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
