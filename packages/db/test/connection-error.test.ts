import { createServer } from 'node:net';
import { loadConfig } from '@datapark/config';
import { createDb, createPool, PostgresConnectionError } from '@datapark/db';
import { config } from './fixtures.js';

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const platform = `${config.postgres.host}:${config.postgres.port}`;

describe('a PostgreSQL connection that cannot be made', () => {
  it('names the variable that points away from the running platform, and where the platform is', async () => {
    const port = await closedPort();
    const moved = loadConfig({ env: { ...process.env, DATAPARK_POSTGRES_PORT: String(port) } });
    const db = createDb(moved, 'analyst');
    const error = await db
      .selectFrom('processed.daily_sales')
      .selectAll()
      .execute()
      .catch((e: unknown) => e);
    await db.destroy();
    expect(error).toBeInstanceOf(PostgresConnectionError);
    expect((error as PostgresConnectionError).message).toBe(
      `cannot connect to PostgreSQL at 127.0.0.1:${port} (set by DATAPARK_POSTGRES_PORT; ` +
        `the platform's PostgreSQL is at ${platform}): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect((error as PostgresConnectionError).hint).toBe(
      "unset DATAPARK_POSTGRES_PORT to use the platform's PostgreSQL",
    );
    expect((error as PostgresConnectionError).code).toBe('POSTGRES_UNREACHABLE');
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('explains pool.query (the callback form of connect) the same way', async () => {
    const port = await closedPort();
    const pool = createPool(loadConfig({ overrides: { postgres: { port } } }), 'analyst');
    const error = await pool.query('select 1').catch((e: unknown) => e);
    await pool.end();
    expect((error as Error).message).toBe(
      `cannot connect to PostgreSQL at 127.0.0.1:${port} (set by the option postgres.port; ` +
        `the platform's PostgreSQL is at ${platform}): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('without an override, says where it tried and that the platform is to be started', async () => {
    const port = await closedPort();
    // Built by hand, as a caller may: no origins to tell, so no claim about one.
    const moved = { ...config, postgres: { ...config.postgres, port } };
    const pool = createPool(moved, 'analyst');
    const error = await pool.connect().catch((e: unknown) => e);
    await pool.end();
    expect((error as Error).message).toBe(
      `cannot connect to PostgreSQL at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect((error as PostgresConnectionError).hint).toBe(
      'start the platform: npx nx run platform:up',
    );
  });

  it('names the variable of a refused password, never the password', async () => {
    const wrong = 'not-the-analyst-password-42';
    const moved = loadConfig({
      env: { ...process.env, DATAPARK_POSTGRES_ANALYST_PASSWORD: wrong },
    });
    const pool = createPool(moved, 'analyst');
    const error = await pool.query('select 1').catch((e: unknown) => e);
    await pool.end();
    expect(error).toBeInstanceOf(PostgresConnectionError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^PostgreSQL at ${platform} refused the password of analyst \\(the password is set by DATAPARK_POSTGRES_ANALYST_PASSWORD\\): password authentication failed`,
      ),
    );
    expect((error as PostgresConnectionError).hint).toMatch(
      /^unset DATAPARK_POSTGRES_ANALYST_PASSWORD to use the password the platform generated/,
    );
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toMatch(
      new RegExp(`${wrong}|${config.postgres.roles.analyst.password}`),
    );
  });

  it('leaves a query that fails for its own reasons as the driver reported it', async () => {
    const pool = createPool(config, 'analyst', { max: 1 });
    const error = await pool.query('select * from no_such_table').catch((e: unknown) => e);
    await pool.end();
    expect(error).not.toBeInstanceOf(PostgresConnectionError);
    expect((error as { code?: string }).code).toBe('42P01');
  });
});
