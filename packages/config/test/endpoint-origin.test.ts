import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  endpointOrigin,
  loadConfig,
  overriddenEndpoints,
  valueOrigin,
  writeEndpointsFile,
} from '@datapark/config';

/** A state directory whose endpoints file says where "the platform" is. */
function platformAt(): string {
  const dir = mkdtempSync(join(tmpdir(), 'datapark-origin-'));
  writeEndpointsFile(join(dir, 'endpoints.json'), {
    postgres: { host: '127.0.0.1', port: 15432, roles: { analyst: { password: 'file-secret-1' } } },
    kafka: { bootstrapServers: ['127.0.0.1:19092', '127.0.0.1:19093', '127.0.0.1:19094'] },
    spark: { restUrl: 'http://127.0.0.1:16066' },
  });
  return dir;
}

describe('where a value and an endpoint come from', () => {
  it('names the variable that points PostgreSQL away from the platform, and where the platform is', () => {
    const dir = platformAt();
    const config = loadConfig({
      env: { DATAPARK_STATE_DIR: dir, DATAPARK_POSTGRES_PORT: '25999' },
      cwd: dir,
    });
    expect(valueOrigin(config, 'postgres.port')).toEqual({
      key: 'postgres.port',
      from: 'environment',
      variable: 'DATAPARK_POSTGRES_PORT',
      platformValue: 15432,
    });
    expect(valueOrigin(config, 'postgres.host')).toEqual({
      key: 'postgres.host',
      from: 'endpoints file',
    });
    expect(endpointOrigin(config, 'postgres')).toEqual({
      endpoint: 'postgres',
      what: 'PostgreSQL',
      address: '127.0.0.1:25999',
      overriddenBy: ['DATAPARK_POSTGRES_PORT'],
      platformAddress: '127.0.0.1:15432',
      note: "set by DATAPARK_POSTGRES_PORT; the platform's PostgreSQL is at 127.0.0.1:15432",
      fix: "unset DATAPARK_POSTGRES_PORT to use the platform's PostgreSQL",
    });
    expect(overriddenEndpoints(config, 'postgres')).toHaveLength(1);
    expect(overriddenEndpoints(config, 'kafka')).toEqual([]);
  });

  it('says nothing when a variable repeats what the endpoints file says', () => {
    const dir = platformAt();
    const config = loadConfig({
      env: { DATAPARK_STATE_DIR: dir, DATAPARK_POSTGRES_PORT: '15432' },
      cwd: dir,
    });
    const origin = endpointOrigin(config, 'postgres');
    expect(origin.overriddenBy).toEqual([]);
    expect(origin.note).toBeUndefined();
  });

  it('names an explicit option, lists (bootstrap servers) and URLs too', () => {
    const dir = platformAt();
    const config = loadConfig({
      env: {
        DATAPARK_STATE_DIR: dir,
        DATAPARK_KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1',
      },
      cwd: dir,
      overrides: { spark: { restUrl: 'http://127.0.0.1:2' } },
    });
    expect(endpointOrigin(config, 'kafka').note).toBe(
      "set by DATAPARK_KAFKA_BOOTSTRAP_SERVERS; the platform's Kafka is at 127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094",
    );
    expect(endpointOrigin(config, 'sparkRest')).toMatchObject({
      address: 'http://127.0.0.1:2',
      note: "set by the option spark.restUrl; the platform's Spark REST server is at http://127.0.0.1:16066",
      fix: "drop the option spark.restUrl to use the platform's Spark REST server",
    });
  });

  it('names a variable even when the endpoints file does not say where the platform is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapark-origin-'));
    const config = loadConfig({
      env: { DATAPARK_STATE_DIR: dir, DATAPARK_REDIS_PORT: '26379' },
      cwd: dir,
    });
    expect(endpointOrigin(config, 'redis')).toMatchObject({
      address: '127.0.0.1:26379',
      note: "set by DATAPARK_REDIS_PORT; the endpoints file does not say where the platform's is",
    });
  });

  it("never keeps a secret's platform value", () => {
    const dir = platformAt();
    const config = loadConfig({
      env: { DATAPARK_STATE_DIR: dir, DATAPARK_POSTGRES_ANALYST_PASSWORD: 'env-secret-22' },
      cwd: dir,
    });
    const origin = valueOrigin(config, 'postgres.roles.analyst.password');
    expect(origin).toEqual({
      key: 'postgres.roles.analyst.password',
      from: 'environment',
      variable: 'DATAPARK_POSTGRES_ANALYST_PASSWORD',
    });
    expect(JSON.stringify(origin)).not.toMatch(/secret/);
  });

  it('knows nothing of a config it did not build', () => {
    const config = { ...loadConfig({ env: { DATAPARK_STATE_DIR: platformAt() } }) };
    expect(valueOrigin(config, 'postgres.port')).toBeUndefined();
    expect(endpointOrigin(config, 'postgres').note).toBeUndefined();
  });
});
