import {
  AirflowClient,
  AuthenticationError,
  ConflictError,
  NotFoundError,
  unhealthyWithLastHeartbeat,
} from '@datapark/airflow-client';
import type { HealthInfo } from '@datapark/airflow-client';
import { airflow, config, runPrefix } from './fixtures.js';

describe('authentication', () => {
  it('refuses a wrong password with AuthenticationError (401) and says what Airflow said', async () => {
    const wrong = AirflowClient.fromConfig(config, { password: 'not-the-password' });
    const error = (await wrong.dags.list().catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.request.method).toBe('POST');
    expect(new URL(error.request.url).pathname).toBe('/auth/token');
    expect(error.detail).toBeDefined();
  });

  it('gets a token with the platform credentials and reads the version and health', async () => {
    expect((await airflow.version.get()).version).toMatch(/^3\./);
    const health = await airflow.monitor.health();
    expect(health.metadatabase.status).toBe('healthy');
    expect(health.scheduler.status).toBe('healthy');
    expect(unhealthyWithLastHeartbeat(health)).toEqual([]);
  });

  it('names the unhealthy parts of a health document with their last heartbeat', () => {
    // As Airflow 3.3 answered here while its scheduler was dead after a PostgreSQL restart.
    const recorded = {
      metadatabase: { status: 'healthy' },
      scheduler: {
        status: 'unhealthy',
        latest_scheduler_heartbeat: '2026-11-25T11:49:17.287099+00:00',
      },
      triggerer: {
        status: 'healthy',
        latest_triggerer_heartbeat: '2026-11-25T11:51:38.639888+00:00',
      },
      dag_processor: { status: null, latest_dag_processor_heartbeat: null },
    } as HealthInfo;
    expect(unhealthyWithLastHeartbeat(recorded)).toEqual([
      'scheduler (last heartbeat 2026-11-25T11:49:17.287099+00:00)',
      'dag_processor',
    ]);
  });
});

describe('variables', () => {
  it('round-trips: create, get, update, list, delete', async () => {
    const key = runPrefix('var');
    const created = await airflow.variables.create({ key, value: 'one', description: 'test' });
    expect(created).toMatchObject({ key, value: 'one', description: 'test' });
    await expect(airflow.variables.create({ key, value: 'again' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect((await airflow.variables.get(key)).value).toBe('one');
    const updated = await airflow.variables.update(key, { value: JSON.stringify({ n: 2 }) });
    expect(JSON.parse(updated.value ?? 'null')).toEqual({ n: 2 });
    const listed = await airflow.variables.list({ variable_key_pattern: key }).toArray();
    expect(listed.map((v) => v.key)).toEqual([key]);
    await airflow.variables.delete(key);
    await expect(airflow.variables.get(key)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists every item of a list longer than one page (30 variables, pages of 7)', async () => {
    const prefix = runPrefix('page');
    const keys = Array.from({ length: 30 }, (_, i) => `${prefix}_${String(i).padStart(2, '0')}`);
    for (const key of keys) await airflow.variables.create({ key, value: key });
    try {
      const seen: string[] = [];
      for await (const variable of airflow.variables.list({
        variable_key_prefix_pattern: prefix,
        limit: 7,
        order_by: ['key'],
      })) {
        seen.push(variable.key);
      }
      expect(seen).toEqual(keys);

      // The page promise: the first page, its total, and the pages after it.
      const first = await airflow.variables.list({ variable_key_prefix_pattern: prefix, limit: 7 });
      expect(first.items).toHaveLength(7);
      expect(first.totalEntries).toBe(30);
      const sizes: number[] = [];
      for await (const page of first.iterPages()) sizes.push(page.items.length);
      expect(sizes).toEqual([7, 7, 7, 7, 2]);
    } finally {
      for (const key of keys) await airflow.variables.delete(key);
    }
  });
});

describe('connections', () => {
  it('round-trips: create, get, update, list, delete, and never returns the password', async () => {
    const id = runPrefix('conn');
    await airflow.connections.create({
      connection_id: id,
      conn_type: 'postgres',
      host: '127.0.0.1',
      port: config.postgres.port,
      login: 'analyst',
      password: 'secret-on-the-way-in',
      schema: 'datapark',
    });
    const got = await airflow.connections.get(id);
    expect(got).toMatchObject({
      connection_id: id,
      conn_type: 'postgres',
      port: config.postgres.port,
    });
    expect(got.password).not.toBe('secret-on-the-way-in');
    const updated = await airflow.connections.update(id, { conn_type: 'postgres', port: 5433 });
    expect(updated.port).toBe(5433);
    expect(updated.host).toBe('127.0.0.1');
    const listed = await airflow.connections.list({ connection_id_pattern: id }).toArray();
    expect(listed.map((c) => c.connection_id)).toEqual([id]);
    await airflow.connections.delete(id);
    await expect(airflow.connections.get(id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('pools', () => {
  it('round-trips: create, get, update, list, delete', async () => {
    const name = runPrefix('pool');
    const created = await airflow.pools.create({ name, slots: 2, description: 'client test' });
    expect(created).toMatchObject({ name, slots: 2, open_slots: 2 });
    expect((await airflow.pools.get(name)).description).toBe('client test');
    const updated = await airflow.pools.update(name, { slots: 5 });
    expect(updated.slots).toBe(5);
    expect(updated.description).toBe('client test');
    const names = (await airflow.pools.list().toArray()).map((p) => p.name);
    expect(names).toContain(name);
    expect(names).toContain('default_pool');
    await airflow.pools.delete(name);
    await expect(airflow.pools.get(name)).rejects.toBeInstanceOf(NotFoundError);
  });
});
