// Every SDK's errors and clients, printed as a log line, inspected as a debugger or an error
// reporter would, and serialised: none may hold a secret of the endpoints file.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { AirflowClient, ConnectionError, TimeoutError } from '@datapark/airflow-client';
import type { DataparkConfig } from '@datapark/config';
import { loadConfig } from '@datapark/config';
import { createDb, createPool } from '@datapark/db';
import {
  SparkAuthenticationError,
  SparkRestClient,
  SparkUnreachableError,
} from '@datapark/spark-client';
import { config } from './fixtures.js';

/** Every secret the platform generated: role passwords, Redis, Airflow, Jupyter, Spark's key, Superset's. */
function secretsOf(c: DataparkConfig): string[] {
  const found = [
    ...Object.values(c.postgres.roles).map((r) => r.password),
    c.redis.password,
    c.airflow.password,
    c.jupyter.token,
    c.spark.restSecret,
    c.superset.password,
    c.superset.secretKey,
    c.superset.metadataPassword,
    c.superset.readerPassword,
  ].filter((s): s is string => typeof s === 'string');
  return [...new Set(found)];
}

/** Everything a person or a tool could see of a value. */
function everyRendering(value: unknown): string {
  const error = value as Error;
  return [
    String(value),
    error?.stack ?? '',
    // As console.log and loggers show it (showHidden would also list what node-postgres keeps
    // non-enumerable on purpose: its own copy of the password).
    inspect(value, { depth: Infinity }),
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? '',
  ].join('\n');
}

const leaked = (value: unknown, secrets: readonly string[]) =>
  secrets.filter((s) => everyRendering(value).includes(s)).map((s) => `${s.slice(0, 3)}…`);

const secrets = secretsOf(config);
const closed = 'http://127.0.0.1:1';

describe('no SDK shows a secret in an error or an inspected object', () => {
  it('knows the secrets to look for', () => {
    // Seven role passwords (some shared), Redis, Airflow, Jupyter and Spark's key at least.
    expect(secrets.length).toBeGreaterThanOrEqual(8);
  });

  it('airflow-client: a refused connection while asking for a token (the request body holds the password)', async () => {
    const airflow = AirflowClient.fromConfig(config, { baseUrl: closed, maxRetries: 0 });
    const error = await airflow.dags.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).cause).toBeDefined();
    expect(leaked(error, secrets)).toEqual([]);
    expect(leaked(airflow, secrets)).toEqual([]);
  });

  it('airflow-client: a timeout on a call that carried the bearer token', async () => {
    const token = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"exp":9999999999}').toString('base64url')}.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw`;
    const server = createServer((req, res) => {
      if (req.url === '/auth/token') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: token }));
      } // every other request hangs until the client gives up
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const airflow = AirflowClient.fromConfig(config, {
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        timeoutMs: 300,
        maxRetries: 0,
      });
      const error = await airflow.dags.get('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(leaked(error, [...secrets, token])).toEqual([]);
      expect(leaked(airflow, [...secrets, token])).toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('airflow-client: the real api-server, after a token was issued', async () => {
    const airflow = AirflowClient.fromConfig(config);
    await expect(airflow.dags.get('no_such_dag_for_secrets')).rejects.toThrow(/404/);
    expect(leaked(airflow, secrets)).toEqual([]);
    expect(inspect(airflow, { depth: Infinity })).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  it('spark-client: an unreachable master and a refused signature', async () => {
    const down = SparkRestClient.fromConfig(config, {
      restUrl: closed,
      uiUrl: closed,
      maxRetries: 0,
    });
    const unreachable = await down.readyz().catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(SparkUnreachableError);
    expect(leaked(unreachable, secrets)).toEqual([]);
    expect(leaked(down, secrets)).toEqual([]);
    const wrong = SparkRestClient.fromConfig(config, {
      restSecret: Buffer.alloc(32, 1).toString('base64url'),
    });
    const refused = await wrong.readyz().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SparkAuthenticationError);
    expect(leaked(refused, secrets)).toEqual([]);
  });

  it('db: a pool, and the error of a database that does not answer', async () => {
    const pool = createPool(config, 'ingest', { max: 1 });
    expect(leaked(pool, secrets)).toEqual([]);
    await pool.end();
    const elsewhere = loadConfig({ overrides: { postgres: { port: 1 } } });
    const db = createDb(elsewhere, 'analyst');
    const error = await db
      .selectFrom('processed.daily_sales')
      .selectAll()
      .execute()
      .catch((e: unknown) => e);
    await db.destroy();
    // node-postgres' errors come from another realm under Jest: check the message, not the class.
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(leaked(error, secrets)).toEqual([]);
    expect(leaked(db, secrets)).toEqual([]);
  });
});
