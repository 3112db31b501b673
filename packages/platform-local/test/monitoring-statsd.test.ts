import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { findWorkspaceRoot, loadConfig, s3Connection } from '@datapark/config';
import type { ComponentContext } from '@datapark/platform';
import { silentReporter } from '@datapark/platform';
import { monitoringFiles } from '../src/monitoring/files.js';
import { MONITORING_UNITS } from '../src/monitoring/units.js';
import { versitygwArgs, versitygwEnv, versitygwExecutable } from '../src/objectstore/server.js';
import { supersetPaths } from '../src/superset/paths.js';
import { supersetEnv } from '../src/superset/provisioning.js';
import { freePort } from './fixtures.js';

// The object store's and Superset's StatsD metrics, through the repository's mapping
// (monitoring/statsd-mapping.yml), into a statsd_exporter of this test's own, from the real
// senders: a versitygw of its own and Superset's StatsdStatsLogger as superset_config.py builds
// it. The shared platform's processes are left alone.

const workspaceRoot = findWorkspaceRoot(import.meta.dirname)!;
const KEY_ID = 'DPTESTKEYID000000002';
const SECRET = 'a-test-secret-' + randomBytes(8).toString('hex');

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A Prometheus port whose statsd_exporter ports (+12 web, +35 StatsD) are free as well. */
async function freeMonitoringBase(): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + 35 < 65536 && (await portIsFree(base + 12)) && (await portIsFree(base + 35)))
      return base;
  }
}

const stateDir = mkdtempSync(join(tmpdir(), 'datapark-statsd-'));
const children: ChildProcess[] = [];
let ctx: ComponentContext;
let metricsUrl: string;

/** The exporter's /metrics lines that start with `name`. */
async function series(name: string): Promise<string[]> {
  const text = await (await fetch(metricsUrl)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

/** Polls until `name` has a line matching `pattern` (StatsD clients flush every ~100 ms). */
async function waitForSeries(name: string, pattern: RegExp): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lines = await series(name);
    if (lines.some((l) => pattern.test(l)) || Date.now() > deadline) return lines;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function waitForHttp(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer in 20 s: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

beforeAll(async () => {
  const base = await freeMonitoringBase();
  const s3Port = await freePort();
  const config = loadConfig({
    env: {
      DATAPARK_STATE_DIR: stateDir,
      DATAPARK_PROMETHEUS_URL: `http://127.0.0.1:${base}`,
      DATAPARK_S3_URL: `http://127.0.0.1:${s3Port}`,
      DATAPARK_S3_ACCESS_KEY_ID: KEY_ID,
      DATAPARK_S3_SECRET_ACCESS_KEY: SECRET,
    },
    cwd: stateDir,
  });
  ctx = {
    stateDir,
    dir: join(stateDir, 'component'),
    logDir: join(stateDir, 'logs'),
    workspaceRoot,
    config,
    reporter: silentReporter,
    publish: () => {},
  };
  mkdirSync(join(ctx.dir, 'data'), { recursive: true });
  metricsUrl = `http://127.0.0.1:${base + 12}/metrics`;
  // The platform's own statsd_exporter unit: its command line, its mapping file.
  const exporter = MONITORING_UNITS.find((u) => u.unit === 'statsd-exporter')!;
  children.push(
    spawn(exporter.command(ctx), exporter.args(ctx, monitoringFiles(ctx)), { stdio: 'ignore' }),
  );
  children.push(
    spawn(versitygwExecutable(), versitygwArgs(ctx), {
      env: versitygwEnv(ctx),
      stdio: 'ignore',
    }),
  );
  await waitForHttp(metricsUrl);
  await waitForHttp(`http://127.0.0.1:${s3Port}/health`);
}, 60_000);

afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(stateDir, { recursive: true, force: true });
});

describe("the object store's metrics (versitygw StatsD → statsd_exporter)", () => {
  it('counts requests by action and outcome, and the bytes written, with the bucket as a label', async () => {
    const s3 = new S3Client({ ...s3Connection(ctx.config), maxAttempts: 1 });
    try {
      const body = randomBytes(4321);
      await s3.send(new CreateBucketCommand({ Bucket: 'metrics' }));
      await s3.send(new PutObjectCommand({ Bucket: 'metrics', Key: 'a.bin', Body: body }));
      const missing = await s3
        .send(new GetObjectCommand({ Bucket: 'metrics', Key: 'missing.bin' }))
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(missing).toBeInstanceOf(S3ServiceException);
    } finally {
      s3.destroy();
    }
    const requests = await waitForSeries('versitygw_requests_total', /GetObject.*failed/);
    expect(requests).toContainEqual(
      expect.stringMatching(
        /^versitygw_requests_total\{action="PutObject",.*bucket="metrics",.*outcome="success",service="objectstore",status="200"\} 1$/,
      ),
    );
    expect(requests).toContainEqual(
      expect.stringMatching(
        /^versitygw_requests_total\{action="GetObject",.*outcome="failed",.*status="404"\} 1$/,
      ),
    );
    expect(await series('versitygw_written_bytes_total')).toContainEqual(
      expect.stringMatching(/bucket="metrics".*\} 4321$/),
    );
  }, 30_000);
});

describe("Superset's metrics (its StatsdStatsLogger → statsd_exporter)", () => {
  it('sends the health checks and REST API timings superset_config.py is set up for', () => {
    const p = supersetPaths(ctx);
    // superset_config.py reads its secrets file at import.
    const secrets = join(stateDir, 'superset-secrets.json');
    writeFileSync(
      secrets,
      JSON.stringify({ secretKey: 'x'.repeat(32), metadataUri: 'sqlite://' }),
      { mode: 0o600 },
    );
    const script = [
      'import importlib.util, sys',
      `spec = importlib.util.spec_from_file_location("superset_config", sys.argv[1])`,
      'config = importlib.util.module_from_spec(spec); spec.loader.exec_module(config)',
      'print(type(config.STATS_LOGGER).__name__)',
      'config.STATS_LOGGER.incr("health")',
      'config.STATS_LOGGER.incr("ChartDataRestApi.data.success")',
      'config.STATS_LOGGER.timing("ChartDataRestApi.data.time", 250)',
      // The socket it sends from, after sending: bound to loopback, not 0.0.0.0.
      'print(config.STATS_LOGGER.client._sock.getsockname()[0])',
    ].join('\n');
    const run = spawnSync(p.python, ['-c', script, p.configFile], {
      env: { ...supersetEnv(ctx), DATAPARK_SUPERSET_SECRETS: secrets },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).not.toMatch(/Traceback/);
    // Not the DummyStatsLogger: .venv-superset must carry statsd (bash tools/ci/superset.sh).
    expect(run.stdout.trim().split('\n')).toEqual(['StatsdStatsLogger', '127.0.0.1']);
  }, 90_000);

  it('arrive as superset_* series with the API and method as labels', async () => {
    expect(await waitForSeries('superset_health_checks_total', / 1$/)).toEqual([
      'superset_health_checks_total 1',
    ]);
    expect(await series('superset_api_calls_total')).toEqual([
      'superset_api_calls_total{api="ChartDataRestApi",method="data",outcome="success"} 1',
    ]);
    expect(await series('superset_api_duration_seconds_sum')).toEqual([
      'superset_api_duration_seconds_sum{api="ChartDataRestApi",method="data"} 0.25',
    ]);
  }, 30_000);
});
