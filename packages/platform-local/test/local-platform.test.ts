import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { ConfigError, loadConfig, postgresUrl } from '@datapark/config';
import { PortInUseError, PrerequisiteError, silentReporter } from '@datapark/platform';
import { defaultComponents, LocalPlatform } from '@datapark/platform-local';
import { redisPing } from '../src/redis/ping.js';
import { freePort, scratchPlatform } from './fixtures.js';

const redisOnly = () => defaultComponents().filter((c) => c.name === 'redis');
const postgresOnly = () => defaultComponents().filter((c) => c.name === 'postgres');

describe('the shared local platform started for this test run', () => {
  it('reports PostgreSQL and Redis running, and up is idempotent', async () => {
    const platform = new LocalPlatform({
      components: defaultComponents().filter((c) => ['postgres', 'redis'].includes(c.name)),
      reporter: silentReporter,
    });
    const before = await platform.status();
    await platform.up({ only: ['postgres', 'redis'] });
    const after = await platform.status();
    for (const name of ['postgres', 'redis']) {
      const b = before.find((s) => s.component === name)!;
      const a = after.find((s) => s.component === name)!;
      expect(a.state).toBe('running');
      // Same process: up did not restart it.
      expect(a.units[0]?.pid).toBe(b.units[0]?.pid);
    }
  });

  it('writes every credential into the endpoints file, readable only by its owner', () => {
    const config = loadConfig();
    expect(existsSync(config.endpointsFile)).toBe(true);
    expect(statSync(config.endpointsFile).mode & 0o077).toBe(0);
    for (const role of Object.values(config.postgres.roles))
      expect(role.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(config.redis.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('a scratch platform', () => {
  it('fails at start naming the key, the value and the fix for a bad port', () => {
    expect(() => scratchPlatform(redisOnly(), { DATAPARK_REDIS_PORT: '70000' })).toThrow(
      ConfigError,
    );
    expect(() => scratchPlatform(redisOnly(), { DATAPARK_REDIS_PORT: '70000' })).toThrow(
      /redis\.port = "70000" \(from environment variable DATAPARK_REDIS_PORT\)/,
    );
  });

  it('reports a port in use with the variable that overrides it', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const { platform } = scratchPlatform(redisOnly(), { DATAPARK_REDIS_PORT: String(port) });
      const up = platform.up();
      await expect(up).rejects.toBeInstanceOf(PortInUseError);
      await expect(platform.up()).rejects.toThrow(`DATAPARK_REDIS_PORT=<free port>`);
    } finally {
      blocker.close();
    }
  });

  it('names the missing Debian package and the command that installs it', async () => {
    const { platform } = scratchPlatform(redisOnly(), {
      DATAPARK_REDIS_PORT: String(await freePort()),
    });
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await expect(platform.up()).rejects.toBeInstanceOf(PrerequisiteError);
      await expect(platform.up()).rejects.toThrow(/redis-server.*\n.*apt-get install redis-server/);
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('keeps Redis data and credentials across down and up, and purges them on request', async () => {
    const port = await freePort();
    const { platform, stateDir } = scratchPlatform(redisOnly(), {
      DATAPARK_REDIS_PORT: String(port),
    });
    const config = await platform.up();
    const password = config.redis.password!;
    await expect(redisPing('127.0.0.1', port, password)).resolves.toBe(true);
    await expect(redisPing('127.0.0.1', port, 'wrong-password')).rejects.toThrow(
      /WRONGPASS|invalid/i,
    );

    await platform.down();
    expect((await platform.status())[0]?.state).toBe('stopped');
    const again = await platform.up();
    expect(again.redis.password).toBe(password);

    await platform.down({ purge: true });
    expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(false);
  });

  it('keeps PostgreSQL data across down and up, with roles that log in with their own password', async () => {
    const port = await freePort();
    const { platform } = scratchPlatform(postgresOnly(), { DATAPARK_POSTGRES_PORT: String(port) });
    try {
      const config = await platform.up();
      const owner = new pg.Client({ connectionString: postgresUrl(config, 'owner') });
      await owner.connect();
      await owner.query('CREATE TABLE etl.kept (id int)');
      await owner.query('INSERT INTO etl.kept VALUES (42)');
      await owner.end();

      await platform.down();
      expect((await platform.status())[0]?.state).toBe('stopped');
      const again = await platform.up();

      const analyst = new pg.Client({ connectionString: postgresUrl(again, 'analyst') });
      await analyst.connect();
      try {
        // The migrations' default privileges reach a table the owner creates later: the analyst
        // reads it, and still writes nothing.
        expect((await analyst.query('SELECT id FROM etl.kept')).rows).toEqual([{ id: 42 }]);
        await expect(analyst.query('INSERT INTO etl.kept VALUES (1)')).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await analyst.end();
      }
      const owner2 = new pg.Client({ connectionString: postgresUrl(again, 'owner') });
      await owner2.connect();
      const { rows } = await owner2.query('SELECT id FROM etl.kept');
      await owner2.end();
      expect(rows).toEqual([{ id: 42 }]);

      const wrong = new pg.Client({
        connectionString: postgresUrl(again, 'analyst').replace(/:[^:@]+@/, ':wrong@'),
      });
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    } finally {
      await platform.down({ purge: true });
    }
  }, 120_000);
});
