import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const config = loadConfig();
const run = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every secret of the endpoints file, to look for in output. */
function secrets(): string[] {
  const found: string[] = [];
  const walk = (node: unknown, key = '') => {
    if (typeof node === 'string' && /password|token|secret|accesskey/i.test(key)) found.push(node);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(config);
  return found.filter((s) => s.length >= 8);
}

describe('datapark status', () => {
  it('says why PostgreSQL is degraded when DATAPARK_POSTGRES_PORT points away from the platform', async () => {
    const port = await closedPort();
    const result = run({ DATAPARK_POSTGRES_PORT: String(port) }, 'status');
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    const row = lines.findIndex((l) => l.startsWith('postgres '));
    expect(lines[row]).toMatch(
      new RegExp(`^postgres\\s+degraded\\s+127\\.0\\.0\\.1:${port}\\s+\\d+$`),
    );
    expect(lines[row + 1]).toMatch(
      new RegExp(
        `^ {2}↳ pid \\d+ runs but nothing answers at 127\\.0\\.0\\.1:${port} ` +
          `\\(set by DATAPARK_POSTGRES_PORT; the platform's PostgreSQL is at ` +
          `${config.postgres.host}:${config.postgres.port}\\)\\. ` +
          `Fix: unset DATAPARK_POSTGRES_PORT to use the platform's PostgreSQL$`,
      ),
    );
  });

  it('reports every other component when one cannot say, and why that one cannot', () => {
    const result = run({ DATAPARK_KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' }, 'status');
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    const row = lines.findIndex((l) => /^kafka\s/.test(l));
    expect(lines[row]).toMatch(/^kafka\s+degraded$/);
    expect(lines[row + 1]).toBe(
      '  ↳ the local Kafka cluster has 3 nodes, but DATAPARK_KAFKA_BOOTSTRAP_SERVERS lists 1; ' +
        `Kafka at 127.0.0.1:1 (set by DATAPARK_KAFKA_BOOTSTRAP_SERVERS; the platform's Kafka is at ` +
        `${config.kafka.bootstrapServers.join(',')}). ` +
        "Fix: unset DATAPARK_KAFKA_BOOTSTRAP_SERVERS to use the platform's Kafka",
    );
    expect(result.stdout).toMatch(/^postgres\s+running/m);
  });

  it('lists the web UIs and where their credentials are, never a credential', () => {
    const result = run({}, 'status');
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(
      new RegExp(
        `^ {2}Airflow\\s+${config.airflow.url}\\s+user ${config.airflow.username}, password: airflow\\.password$`,
        'm',
      ),
    );
    expect(out).toMatch(
      new RegExp(`^ {2}JupyterLab\\s+${config.jupyter.url}\\s+token: jupyter\\.token$`, 'm'),
    );
    expect(out).toMatch(new RegExp(`^ {2}Spark master\\s+${config.spark.uiUrl}\\s`, 'm'));
    expect(out).toMatch(
      new RegExp(
        `^ {2}Superset\\s+${config.superset.url}\\s+user ${config.superset.username}, password: superset\\.password$`,
        'm',
      ),
    );
    expect(out).toMatch(new RegExp(`^ {2}Spark history\\s+${config.spark.historyUrl}\\s`, 'm'));
    expect(out).toMatch(
      new RegExp(
        `^ {2}Prometheus\\s+${config.monitoring.prometheusUrl}\\s+user ${config.monitoring.username}, password: monitoring\\.password$`,
        'm',
      ),
    );
    expect(out).toContain(
      `Object store: S3 API at ${config.s3.url} (path-style, region ${config.s3.region}), buckets lake, archive; keys: s3.accessKeyId, s3.secretAccessKey.`,
    );
    expect(out).toContain(
      `Credentials: in ${config.endpointsFile} (mode 0600), or \`datapark endpoints --show-secrets\`.`,
    );
    expect(secrets().length).toBeGreaterThan(3);
    for (const secret of secrets()) expect(out + result.stderr).not.toContain(secret);
  });

  it('shows under monitoring what fires in Alertmanager (API v2), and drops an alert once it is resolved', async () => {
    const { alertmanagerUrl, username, password } = config.monitoring;
    if (!password) throw new Error('no monitoring password: start the platform with monitoring');
    // An alert of this test's own, posted the way Prometheus posts: labels, start, end.
    const name = `DataparkStatusTest${process.pid}`;
    const post = (endsAt: Date) =>
      fetch(new URL('/api/v2/alerts', alertmanagerUrl), {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify([
          {
            labels: { alertname: name, severity: 'info', test: 'datapark-cli status' },
            annotations: { summary: 'posted by the datapark status test' },
            startsAt: new Date(Date.now() - 1000).toISOString(),
            endsAt: endsAt.toISOString(),
          },
        ]),
        signal: AbortSignal.timeout(5000),
      });
    const monitoringDetail = (out: string) => {
      const lines = out.split('\n');
      const row = lines.findIndex((l) => /^monitoring\s/.test(l));
      return lines[row + 1] ?? '';
    };
    try {
      expect((await post(new Date(Date.now() + 120_000))).status).toBe(200);
      const result = run({}, 'status');
      expect(result.status).toBe(0);
      expect(monitoringDetail(result.stdout)).toMatch(
        new RegExp(
          `^ {2}↳ \\d+ alerts? firing: (.+, )?${name}(,| \\(what each means and what to do: http://127\\.0\\.0\\.1:\\d+\\))`,
        ),
      );
    } finally {
      expect((await post(new Date())).status).toBe(200);
    }
    // Resolved: no longer listed (whatever else fires).
    const after = run({}, 'status');
    expect(monitoringDetail(after.stdout)).not.toContain(name);
  });
});
