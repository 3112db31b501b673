import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { EndpointsDocument } from '@datapark/config';
import { loadConfig, postgresUrl, writeEndpointsFile } from '@datapark/config';
import type { ComponentContext, LocalComponent } from '@datapark/platform';
import { silentReporter } from '@datapark/platform';
import { defaultComponents } from '@datapark/platform-local';
import { freePort } from './fixtures.js';

// A second, throw-away Airflow beside the shared one: LocalExecutor, its own state directory,
// port and metadata database, on the shared PostgreSQL, Redis and Spark.
const shared = loadConfig();
const stateDir = mkdtempSync(join(tmpdir(), 'datapark-airflow-local-'));
const database = `airflow_local_${randomBytes(4).toString('hex')}`;
const previousExecutor = process.env['DATAPARK_AIRFLOW_EXECUTOR'];
let env: NodeJS.ProcessEnv;
let airflow: LocalComponent;

const config = () => loadConfig({ env, cwd: stateDir });
const ctx = (): ComponentContext => ({
  stateDir,
  dir: join(stateDir, 'airflow'),
  logDir: join(stateDir, 'logs'),
  workspaceRoot: join(shared.stateDir, '..'),
  get config() {
    return config();
  },
  reporter: silentReporter,
  publish: (patch: EndpointsDocument) => {
    writeEndpointsFile(join(stateDir, 'endpoints.json'), patch);
  },
});

async function asAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl(shared, 'admin', 'postgres') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function api(path: string, init: RequestInit = {}, token?: string): Promise<unknown> {
  const response = await fetch(new URL(path, config().airflow.url), {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

beforeAll(async () => {
  // The shared credentials, without the shared Airflow's: this one generates its own.
  const doc = JSON.parse(readFileSync(shared.endpointsFile, 'utf8')) as Record<string, unknown>;
  delete doc['airflow'];
  writeFileSync(join(stateDir, 'endpoints.json'), JSON.stringify(doc), { mode: 0o600 });
  env = {
    ...process.env,
    DATAPARK_STATE_DIR: stateDir,
    DATAPARK_AIRFLOW_URL: `http://127.0.0.1:${await freePort()}`,
    DATAPARK_POSTGRES_AIRFLOW_DATABASE: database,
  };
  process.env['DATAPARK_AIRFLOW_EXECUTOR'] = 'local';
  await asAdmin(async (admin) => {
    await admin.query(`CREATE DATABASE ${database} OWNER airflow`);
    await admin.query(`GRANT CONNECT ON DATABASE ${database} TO airflow`);
  });
  airflow = defaultComponents().find((c) => c.name === 'airflow')!;
});

afterAll(async () => {
  await airflow.stop(ctx());
  await airflow.purge!(ctx());
  if (previousExecutor === undefined) delete process.env['DATAPARK_AIRFLOW_EXECUTOR'];
  else process.env['DATAPARK_AIRFLOW_EXECUTOR'] = previousExecutor;
  const owner = new pg.Client({ connectionString: postgresUrl(shared, 'owner') });
  await owner.connect();
  await owner.query(
    "DELETE FROM etl.job_runs WHERE job_name = 'datapark_batch_etl' AND details->>'airflow_run_id' LIKE 'local-executor-%'",
  );
  await owner.end();
  rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

describe('Airflow with DATAPARK_AIRFLOW_EXECUTOR=local', () => {
  it('runs four processes (no Celery worker) and runs a DAG in the scheduler', async () => {
    await airflow.start(ctx());
    const status = await airflow.status(ctx());
    expect(status.state).toBe('running');
    expect(status.units.map((u) => u.name)).toEqual([
      'airflow-api-server',
      'airflow-scheduler',
      'airflow-dag-processor',
      'airflow-triggerer',
    ]);

    const { username, password } = config().airflow;
    const { access_token: token } = (await api('/auth/token', {
      method: 'POST',
      body: JSON.stringify({ username, password }),
    })) as { access_token: string };
    // The dag-processor of a new instance needs a moment to list the DAG folder.
    for (let i = 0; ; i++) {
      try {
        await api('/api/v2/dags/datapark_batch_etl', {}, token);
        break;
      } catch (error) {
        if (i > 120) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    await api(
      '/api/v2/dags/datapark_batch_etl',
      { method: 'PATCH', body: JSON.stringify({ is_paused: false }) },
      token,
    );
    // A day without orders: the run checks source, skips Spark and records an empty run.
    const runId = `local-executor-${randomBytes(4).toString('hex')}`;
    await api(
      '/api/v2/dags/datapark_batch_etl/dagRuns',
      {
        method: 'POST',
        body: JSON.stringify({ dag_run_id: runId, logical_date: '2004-02-03T12:00:00Z' }),
      },
      token,
    );
    let state = 'queued';
    while (state !== 'success' && state !== 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      ({ state } = (await api(`/api/v2/dags/datapark_batch_etl/dagRuns/${runId}`, {}, token)) as {
        state: string;
      });
    }
    const { task_instances } = (await api(
      `/api/v2/dags/datapark_batch_etl/dagRuns/${runId}/taskInstances`,
      {},
      token,
    )) as { task_instances: { task_id: string; state: string }[] };
    const states = Object.fromEntries(task_instances.map((t) => [t.task_id, t.state]));
    expect([state, states['extract_source'], states['finish_run']]).toEqual([
      'success',
      'skipped',
      'success',
    ]);
  }, 600_000);
});
