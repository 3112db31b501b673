import { readdirSync } from 'node:fs';
import { PrerequisiteError } from '@datapark/platform';
import { defaultComponents } from '@datapark/platform-local';
import { freePort, scratchPlatform } from './fixtures.js';

// Read-only: a scratch state directory, nothing started.
describe('what LocalPlatform reports without starting anything', () => {
  it('checks every prerequisite and names the package a missing one comes from', async () => {
    const { platform } = scratchPlatform(defaultComponents(), {});
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const results = await platform.checkPrerequisites();
      expect(results.map((r) => r.component)).toEqual(platform.components.map((c) => c.name));
      const redis = results.find((r) => r.component === 'redis');
      expect(redis?.ok).toBe(false);
      expect(redis?.error).toBeInstanceOf(PrerequisiteError);
      expect((redis?.error as PrerequisiteError).fix).toMatch(/apt-get install redis-server/);
    } finally {
      process.env['PATH'] = path;
    }
    const again = await platform.checkPrerequisites();
    expect(again.find((r) => r.component === 'redis')).toEqual({ component: 'redis', ok: true });
  });

  it('lists every port of every unit, from the configuration, with the variable that moves it', async () => {
    const redisPort = await freePort();
    const { platform } = scratchPlatform(defaultComponents(), {
      DATAPARK_REDIS_PORT: String(redisPort),
      DATAPARK_SPARK_UI_URL: 'http://127.0.0.1:28080',
    });
    const claims = platform.ports().flatMap((c) => c.ports);
    expect(claims).toContainEqual({
      unit: 'redis',
      host: '127.0.0.1',
      port: redisPort,
      purpose: 'Redis',
      variable: 'DATAPARK_REDIS_PORT',
    });
    // Broker, controller (+ 100), JMX exporter metrics (+ 200).
    expect(claims.filter((c) => c.unit === 'kafka-2').map((c) => c.port)).toEqual([
      19093, 19193, 19293,
    ]);
    // Monitoring: Prometheus and Alertmanager on their own variables, the exporters above
    // Prometheus' port, statsd_exporter with its StatsD port too.
    expect(claims.find((c) => c.unit === 'alertmanager')).toMatchObject({
      port: 19095,
      variable: 'DATAPARK_ALERTMANAGER_URL',
    });
    expect(claims.filter((c) => c.unit === 'statsd-exporter').map((c) => c.port)).toEqual([
      19102, 19125,
    ]);
    for (const unit of ['prometheus', 'node-exporter', 'postgres-exporter', 'kafka-lag-exporter'])
      expect(claims.find((c) => c.unit === unit)?.variable).toBe('DATAPARK_PROMETHEUS_URL');
    expect(claims.find((c) => c.unit === 'spark-worker-2')).toMatchObject({
      port: 28082,
      variable: 'DATAPARK_SPARK_UI_URL',
      movesWhenTaken: true,
    });
    expect(claims.find((c) => c.unit === 'superset')).toEqual({
      unit: 'superset',
      host: '127.0.0.1',
      port: 18088,
      purpose: 'Superset UI and API',
      variable: 'DATAPARK_SUPERSET_URL',
    });
    expect(claims.find((c) => c.unit === 'objectstore')).toMatchObject({
      host: '127.0.0.1',
      port: 17070,
      variable: 'DATAPARK_S3_URL',
    });
    const units = platform.components.flatMap((c) => c.units);
    for (const unit of ['postgres', 'jupyter', 'airflow-api-server', 'spark-history'])
      expect(units).toContain(unit);
    expect(new Set(claims.map((c) => c.port)).size).toBe(claims.length);
  });

  it("reports one component's status on its own, stopped in a state directory it never ran in", async () => {
    const { platform, stateDir } = scratchPlatform(defaultComponents(), {});
    expect(await platform.componentStatus('postgres')).toMatchObject({ state: 'stopped' });
    await expect(platform.componentStatus('nope')).rejects.toThrow('unknown component "nope"');
    expect(readdirSync(stateDir)).toEqual([]);
  });
});
