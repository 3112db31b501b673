import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse, stringify } from 'yaml';
import { findWorkspaceRoot, loadConfig } from '@datapark/config';
import type { ComponentContext } from '@datapark/platform';
import { PlatformError, silentReporter } from '@datapark/platform';
import { defaultComponents, LocalPlatform } from '@datapark/platform-local';
import { monitoringFiles } from '../src/monitoring/files.js';
import { prometheusConfig } from '../src/monitoring/prometheus-config.js';
import { writeWebConfig } from '../src/monitoring/web-config.js';
import { freePort, scratchPlatform } from './fixtures.js';

const workspaceRoot = findWorkspaceRoot(import.meta.dirname)!;

/** A monitoring context over a scratch directory, with the platform's default addresses. */
function scratchContext(): { ctx: ComponentContext; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'datapark-monitoring-'));
  const config = loadConfig({
    env: { DATAPARK_STATE_DIR: dir, DATAPARK_MONITORING_PASSWORD: 'a-test-password-1234' },
    cwd: dir,
  });
  const ctx: ComponentContext = {
    stateDir: dir,
    dir: join(dir, 'monitoring'),
    logDir: join(dir, 'logs'),
    workspaceRoot,
    config,
    reporter: silentReporter,
    publish: () => {},
  };
  return { ctx, dir };
}

/** Which component each scrape job watches. */
const JOB_COMPONENT: Record<string, string> = {
  prometheus: 'monitoring',
  alertmanager: 'monitoring',
  node: 'monitoring',
  postgres: 'postgres',
  redis: 'redis',
  kafka: 'kafka',
  'kafka-lag': 'kafka',
  'spark-master': 'spark',
  'spark-worker': 'spark',
  airflow: 'airflow',
  objectstore: 'objectstore',
  superset: 'superset',
  jupyter: 'jupyter',
};

describe("Prometheus' configuration", () => {
  it('scrapes every component of the platform, on ports the platform claims, loopback only', () => {
    const { ctx, dir } = scratchContext();
    try {
      const config = prometheusConfig(ctx, monitoringFiles(ctx));
      // Jobs of static targets; `ingest` and `spark-app` discover processes while they run (file_sd).
      const jobs = config.scrape_configs.filter((s) => s.static_configs).map((s) => s.job_name);
      const ingest = config.scrape_configs.find((s) => s.job_name === 'ingest');
      expect(ingest?.file_sd_configs?.[0]?.files).toEqual([
        join(dir, 'monitoring', 'targets', 'ingest-*.json'),
      ]);
      // Running Spark applications announce their drivers the same way (the Python SDK).
      const sparkApps = config.scrape_configs.find((s) => s.job_name === 'spark-app');
      expect(sparkApps?.file_sd_configs?.[0]?.files).toEqual([
        join(dir, 'monitoring', 'targets', 'spark-*.json'),
      ]);
      // Every component is scraped, so one added later without metrics fails here.
      expect(new Set(jobs.map((j) => JOB_COMPONENT[j]))).toEqual(
        new Set(defaultComponents().map((c) => c.name)),
      );
      const platform = new LocalPlatform({
        components: defaultComponents(),
        reporter: silentReporter,
        configOptions: { env: { DATAPARK_STATE_DIR: dir }, cwd: dir },
      });
      const claimed = new Map<string, string>(
        platform
          .ports()
          .flatMap((c) => c.ports.map((p) => [`${p.host}:${p.port}`, c.component] as const)),
      );
      for (const scrape of config.scrape_configs)
        for (const target of (scrape.static_configs ?? []).flatMap((s) => s.targets)) {
          expect(target).toMatch(/^127\.0\.0\.1:\d+$/);
          // A component that serves its own metrics is scraped on its own port; the others
          // through an exporter, a port of the monitoring component.
          const ownMetrics = ['kafka', 'spark-master', 'spark-worker', 'jupyter'];
          expect([scrape.job_name, claimed.get(target)]).toEqual([
            scrape.job_name,
            ownMetrics.includes(scrape.job_name) ? JOB_COMPONENT[scrape.job_name] : 'monitoring',
          ]);
        }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes promtool check config, secrets in files rather than in the configuration', () => {
    const { ctx, dir } = scratchContext();
    try {
      const files = monitoringFiles(ctx);
      mkdirSync(dirname(files.passwordFile), { recursive: true });
      writeFileSync(files.passwordFile, 'a-test-password-1234');
      writeFileSync(files.jupyterTokenFile, 'a-token');
      const text = stringify(prometheusConfig(ctx, files));
      writeFileSync(files.prometheusConfig, text);
      expect(text).not.toContain('a-test-password-1234');
      const check = spawnSync('promtool', ['check', 'config', files.prometheusConfig], {
        encoding: 'utf8',
      });
      expect(check.stdout + check.stderr).toMatch(/SUCCESS: 13 rules found/);
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the web configuration (basic auth of Prometheus and Alertmanager)', () => {
  it('holds a bcrypt hash of the password, kept while the password stays, replaced when it changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapark-web-'));
    try {
      const file = join(dir, 'web.yml');
      writeWebConfig(file, 'datapark', 'first-password-123');
      const first = readFileSync(file, 'utf8');
      expect(first).not.toContain('first-password-123');
      const hash = (parse(first) as { basic_auth_users: Record<string, string> }).basic_auth_users[
        'datapark'
      ]!;
      expect(bcrypt.compareSync('first-password-123', hash)).toBe(true);
      writeWebConfig(file, 'datapark', 'first-password-123');
      expect(readFileSync(file, 'utf8')).toBe(first);
      writeWebConfig(file, 'datapark', 'second-password-456');
      const second = (
        parse(readFileSync(file, 'utf8')) as { basic_auth_users: Record<string, string> }
      ).basic_auth_users['datapark']!;
      expect(bcrypt.compareSync('second-password-456', second)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('up --without', () => {
  it('refuses to leave out a component another one needs, naming both, before starting anything', async () => {
    const { platform, stateDir } = scratchPlatform(defaultComponents(), {});
    try {
      const up = platform.up({ without: ['postgres'] });
      await expect(up).rejects.toBeInstanceOf(PlatformError);
      await expect(platform.up({ without: ['postgres'] })).rejects.toThrow(
        /airflow needs postgres, which --without leaves out/,
      );
      await expect(platform.up({ without: ['kafka-2'] })).rejects.toThrow(
        /--without takes components, and kafka-2 is a unit of kafka/,
      );
      expect((await platform.status()).every((s) => s.state === 'stopped')).toBe(true);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('starts what is asked and leaves monitoring out', async () => {
    const port = await freePort();
    const { platform, stateDir } = scratchPlatform(defaultComponents(), {
      DATAPARK_REDIS_PORT: String(port),
    });
    try {
      await platform.up({ only: ['redis', 'monitoring'], without: ['monitoring'] });
      const status = await platform.status();
      expect(status.find((s) => s.component === 'redis')?.state).toBe('running');
      expect(status.find((s) => s.component === 'monitoring')?.state).toBe('stopped');
      expect(status.find((s) => s.component === 'postgres')?.state).toBe('stopped');
    } finally {
      await platform.down({ only: ['redis'] });
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60_000);
});
