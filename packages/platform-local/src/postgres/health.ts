import pg from 'pg';
import type { ComponentContext } from '@datapark/platform';
import { postgresUrl } from '@datapark/config';

/** True when PostgreSQL accepts a connection as the admin role and answers `SELECT 1`. */
export async function postgresAccepts(ctx: ComponentContext): Promise<boolean> {
  const client = new pg.Client({
    connectionString: postgresUrl(ctx.config, 'admin', 'postgres'),
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}
