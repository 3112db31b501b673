import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadConfig } from '@datapark/config';
import { PlatformError, silentReporter } from '@datapark/platform';
import {
  airflowHealth,
  defaultComponents,
  LocalPlatform,
  unhealthyParts,
} from '@datapark/platform-local';
import { airflowExecutor } from '../src/airflow/executor.js';
import { airflowPaths } from '../src/airflow/paths.js';

const config = loadConfig();
const UNITS = [
  'airflow-api-server',
  'airflow-scheduler',
  'airflow-dag-processor',
  'airflow-triggerer',
  'airflow-worker-1',
  'airflow-worker-2',
];
const platform = () =>
  new LocalPlatform({
    components: defaultComponents().filter((c) =>
      ['postgres', 'redis', 'spark', 'airflow'].includes(c.name),
    ),
    reporter: silentReporter,
  });
const paths = airflowPaths({
  workspaceRoot: join(config.stateDir, '..'),
  dir: join(config.stateDir, 'airflow'),
  logDir: join(config.stateDir, 'logs'),
});

const token = (username: string, password: string) =>
  fetch(new URL('/auth/token', config.airflow.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

/**
 * nx runs tests with FORCE_COLOR set, and Airflow's CLI (rich) then colours its JSON with ANSI
 * codes (`[{\x1b[94m"id"…`), which no JSON parser reads: the CLI runs without it here.
 */
function uncolouredEnv(): { env: NodeJS.ProcessEnv; extendEnv: false } {
  const { FORCE_COLOR: _forced, ...env } = process.env;
  return { env: { ...env, NO_COLOR: '1' }, extendEnv: false };
}

/**
 * The JSON array `airflow … -o json` prints, as the last line of stdout that parses: the array
 * is one line, and any line Airflow logs to stdout beside it is passed over.
 */
function cliJson(stdout: string): unknown {
  for (const line of stdout.split('\n').reverse()) {
    if (!line.trim().startsWith('[')) continue;
    try {
      return JSON.parse(line);
    } catch {
      // a log line, not the answer
    }
  }
  throw new Error(`no JSON array in the airflow CLI's output:\n${stdout}`);
}

describe('the shared Airflow of the local platform', () => {
  it('runs api-server, scheduler, dag-processor, triggerer and two Celery workers as separate processes, all healthy', async () => {
    const status = (await platform().status()).find((s) => s.component === 'airflow')!;
    expect(status.state).toBe('running');
    expect(status.units.map((u) => [u.name, u.state])).toEqual(UNITS.map((u) => [u, 'running']));
    const pids = status.units.map((u) => u.pid!);
    expect(new Set(pids).size).toBe(6);
    // What each process runs (Airflow and Celery rename their processes, so match loosely).
    const expected = [
      /api.server/,
      /scheduler/,
      /dag.processor/,
      /triggerer/,
      /celery.*worker/,
      /celery.*worker/,
    ];
    for (const [i, pid] of pids.entries()) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      expect(cmdline).toMatch(expected[i]!);
    }
    const health = await airflowHealth(config.airflow.url);
    expect(unhealthyParts(health)).toEqual([]);
    expect(Object.keys(health)).toEqual(
      expect.arrayContaining(['metadatabase', 'scheduler', 'triggerer', 'dag_processor']),
    );
  });

  it('has two Celery workers that answer a ping through Redis', async () => {
    // The worker's own settings (broker URL with the Redis password) from the 0600 env file.
    const result = await execa(
      'sh',
      [
        '-c',
        `set -a; . '${paths.envFile}'; set +a; exec '${join(paths.airflow, '..', 'celery')}' --app airflow.providers.celery.executors.celery_executor.app inspect ping --timeout 20`,
      ],
      { reject: false, all: true, timeout: 180_000 },
    );
    expect(result.all).toMatch(/datapark-1@\S+: OK/);
    expect(result.all).toMatch(/datapark-2@\S+: OK/);
    expect(result.all).toMatch(/pong/);
  }, 200_000);

  it('resolves the connections the DAGs use from @datapark/config, as Airflow itself reads them', async () => {
    const result = await execa(paths.cli, ['connections', 'get', 'datapark_kafka', '-o', 'json'], {
      reject: false,
      all: true,
      timeout: 180_000,
      ...uncolouredEnv(),
    });
    expect(result.exitCode).toBe(0);
    const [kafka] = cliJson(result.stdout) as {
      extra_dejson: Record<string, unknown>;
    }[];
    expect(kafka!.extra_dejson['bootstrap.servers']).toBe(config.kafka.bootstrapServers.join(','));
    const postgres = await execa(
      paths.cli,
      ['connections', 'get', 'datapark_postgres', '-o', 'json'],
      {
        reject: false,
        timeout: 180_000,
        ...uncolouredEnv(),
      },
    );
    const [pgConn] = cliJson(postgres.stdout) as {
      login: string;
      port: number | string;
      schema: string;
    }[];
    expect([pgConn!.login, Number(pgConn!.port), pgConn!.schema]).toEqual([
      'airflow',
      config.postgres.port,
      config.postgres.database,
    ]);
    // The learner's DAGs get the lab role, never the airflow one.
    const lab = await execa(paths.cli, ['connections', 'get', 'datapark_lab', '-o', 'json'], {
      reject: false,
      timeout: 180_000,
      ...uncolouredEnv(),
    });
    const [labConn] = cliJson(lab.stdout) as { login: string }[];
    expect(labConn!.login).toBe(config.postgres.roles.lab.user);
  }, 400_000);

  it('gives a token for the generated password, 401 for a wrong one and for admin:admin', async () => {
    expect(config.airflow.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const good = await token(config.airflow.username, config.airflow.password!);
    expect(good.status).toBe(201);
    const { access_token } = (await good.json()) as { access_token: string };
    const dags = await fetch(new URL('/api/v2/dags?limit=1', config.airflow.url), {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(dags.status).toBe(200);
    expect((await token(config.airflow.username, `${config.airflow.password}x`)).status).toBe(401);
    expect((await token('admin', 'admin')).status).toBe(401);
    const anonymous = await fetch(new URL('/api/v2/dags?limit=1', config.airflow.url));
    expect(anonymous.status).toBe(401);
  });

  it('up leaves the running processes alone', async () => {
    const before = (await platform().status()).find((s) => s.component === 'airflow')!;
    await platform().up({ only: ['airflow'] });
    const after = (await platform().status()).find((s) => s.component === 'airflow')!;
    expect(after.units.map((u) => u.pid)).toEqual(before.units.map((u) => u.pid));
    expect(after.state).toBe('running');
  }, 300_000);

  it('refuses to switch to the local executor while the Celery one runs', async () => {
    process.env['DATAPARK_AIRFLOW_EXECUTOR'] = 'local';
    try {
      await expect(platform().up({ only: ['airflow'] })).rejects.toThrow(
        /running with the celery executor, not local\n.*Fix: stop it first/,
      );
    } finally {
      delete process.env['DATAPARK_AIRFLOW_EXECUTOR'];
    }
    const status = (await platform().status()).find((s) => s.component === 'airflow')!;
    expect(status.units.map((u) => u.state)).toEqual(UNITS.map(() => 'running'));
  }, 300_000);

  it('is healthy again by itself after PostgreSQL restarts: its daemons that exit are restarted', async () => {
    // Airflow's scheduler exits when its metadata database refuses connections; without a
    // supervisor it stayed dead and every DAG run after a PostgreSQL restart stayed queued.
    await platform().stop('postgres');
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // long enough for them to notice
    await platform().start('postgres');
    const back = Date.now();
    let last: unknown;
    for (const started = Date.now(); Date.now() - started < 240_000;) {
      try {
        const health = (await airflowHealth(config.airflow.url)) as Record<
          string,
          { status: string | null; latest_scheduler_heartbeat?: string | null } | undefined
        >;
        last = health;
        const beat = Date.parse(health['scheduler']?.latest_scheduler_heartbeat ?? '');
        // A heartbeat well after PostgreSQL came back: the scheduler lives, not a stale report.
        if (unhealthyParts(health).length === 0 && beat > back + 15_000) break;
      } catch (error) {
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    expect({ healthy: unhealthyParts(last as never), last }).toMatchObject({ healthy: [] });
    const status = (await platform().status()).find((s) => s.component === 'airflow')!;
    expect(status.units.map((u) => u.state)).toEqual(UNITS.map(() => 'running'));
  }, 300_000);

  it('names the variable and the choices for an unknown executor', () => {
    expect(airflowExecutor({})).toBe('celery');
    expect(airflowExecutor({ DATAPARK_AIRFLOW_EXECUTOR: 'Local' })).toBe('local');
    expect(() => airflowExecutor({ DATAPARK_AIRFLOW_EXECUTOR: 'kubernetes' })).toThrow(
      PlatformError,
    );
    expect(() => airflowExecutor({ DATAPARK_AIRFLOW_EXECUTOR: 'kubernetes' })).toThrow(
      /DATAPARK_AIRFLOW_EXECUTOR = "kubernetes".*\n.*Fix: set DATAPARK_AIRFLOW_EXECUTOR to celery/,
    );
  });
});
