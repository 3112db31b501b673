import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  DataparkError,
  findWorkspaceRoot,
  loadConfig,
  postgresUrl,
  redactConfig,
  resolveStateDir,
  s3Connection,
  writeEndpointsFile,
} from '@datapark/config';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'datapark-config-'));
}

describe('loadConfig', () => {
  it('uses defaults when nothing else is set', () => {
    const dir = tempDir();
    const config = loadConfig({ env: { DATAPARK_STATE_DIR: dir }, cwd: dir });
    expect(config.postgres.port).toBe(15432);
    expect(config.kafka.bootstrapServers).toEqual([
      '127.0.0.1:19092',
      '127.0.0.1:19093',
      '127.0.0.1:19094',
    ]);
    expect(config.postgres.roles.analyst.user).toBe('analyst');
    expect(config.postgres.roles.analyst.password).toBeUndefined();
    expect(config.endpointsFile).toBe(join(dir, 'endpoints.json'));
    expect(Object.isFrozen(config.postgres)).toBe(true);
  });

  it('takes options over environment over endpoints file over defaults', () => {
    const dir = tempDir();
    writeEndpointsFile(join(dir, 'endpoints.json'), {
      postgres: { host: 'file-host', port: 1111, database: 'from_file' },
      redis: { port: 2222 },
    });
    const env = {
      DATAPARK_STATE_DIR: dir,
      DATAPARK_POSTGRES_PORT: '3333',
      DATAPARK_POSTGRES_HOST: 'env-host',
    };
    const config = loadConfig({ env, cwd: dir, overrides: { postgres: { host: 'option-host' } } });
    expect(config.postgres.host).toBe('option-host');
    expect(config.postgres.port).toBe(3333);
    expect(config.postgres.database).toBe('from_file');
    expect(config.redis.port).toBe(2222);
    expect(config.redis.host).toBe('127.0.0.1');
  });

  it('reports every bad value at once with the key, the value and the fix', () => {
    const dir = tempDir();
    const load = () =>
      loadConfig({
        env: {
          DATAPARK_STATE_DIR: dir,
          DATAPARK_POSTGRES_PORT: 'abc',
          DATAPARK_SPARK_REST_URL: 'not a url',
        },
        cwd: dir,
      });
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems.map((p) => p.key).sort()).toEqual(['postgres.port', 'spark.restUrl']);
      const message = (error as Error).message;
      expect(message).toContain(
        'postgres.port = "abc" (from environment variable DATAPARK_POSTGRES_PORT)',
      );
      expect(message).toContain('Fix: set DATAPARK_POSTGRES_PORT');
      expect(message).toContain('spark.restUrl = "not a url"');
    }
  });

  it('never prints a secret in an error', () => {
    const dir = tempDir();
    const badSecret = 'short';
    try {
      loadConfig({
        env: { DATAPARK_STATE_DIR: dir, DATAPARK_REDIS_PASSWORD: badSecret },
        cwd: dir,
      });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('redis.password = <redacted>');
      expect((error as Error).message).not.toContain(badSecret);
    }
  });

  it('names the platform as the fix for a missing password', () => {
    const dir = tempDir();
    const config = loadConfig({ env: { DATAPARK_STATE_DIR: dir }, cwd: dir });
    expect(() => postgresUrl(config, 'ingest')).toThrow(/DATAPARK_POSTGRES_INGEST_PASSWORD/);
    expect(() => postgresUrl(config, 'ingest')).toThrow(/npx nx run platform:up/);
  });

  it('builds role URLs from the endpoints file and redacts them for printing', () => {
    const dir = tempDir();
    writeEndpointsFile(join(dir, 'endpoints.json'), {
      postgres: { roles: { analyst: { password: 'p@ss/word:1' } } },
    });
    const config = loadConfig({ env: { DATAPARK_STATE_DIR: dir }, cwd: dir });
    expect(postgresUrl(config, 'analyst')).toBe(
      'postgres://analyst:p%40ss%2Fword%3A1@127.0.0.1:15432/datapark',
    );
    expect(JSON.stringify(redactConfig(config))).not.toContain('p@ss/word:1');
  });

  it('reports a corrupt endpoints file with its path and the fix', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'endpoints.json'), '{ not json');
    expect(() => loadConfig({ env: { DATAPARK_STATE_DIR: dir }, cwd: dir })).toThrow(
      /endpoints\.json.*\n.*Fix: restart the platform/,
    );
  });
});

describe('writeEndpointsFile', () => {
  it('merges into the existing file and keeps it private (0600)', () => {
    const file = join(tempDir(), 'endpoints.json');
    writeEndpointsFile(file, {
      postgres: { port: 1, roles: { admin: { password: 'x'.repeat(12) } } },
    });
    writeEndpointsFile(file, { postgres: { roles: { ingest: { password: 'y'.repeat(12) } } } });
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.postgres.port).toBe(1);
    expect(doc.postgres.roles.admin.password).toBe('x'.repeat(12));
    expect(doc.postgres.roles.ingest.password).toBe('y'.repeat(12));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('findWorkspaceRoot', () => {
  it('finds the nearest directory holding nx.json, from anywhere inside the checkout', () => {
    const root = tempDir();
    writeFileSync(join(root, 'nx.json'), '{}');
    const deep = join(root, 'apps', 'notebooks', 'sub');
    mkdirSync(deep, { recursive: true });
    expect(findWorkspaceRoot(deep)).toBe(root);
    expect(findWorkspaceRoot(root)).toBe(root);
    expect(resolveStateDir({}, deep)).toBe(join(root, '.datapark'));
  });

  it('is undefined outside a checkout', () => {
    expect(findWorkspaceRoot(tempDir())).toBeUndefined();
  });
});

describe('DataparkError', () => {
  it('is the root of ConfigError: a code to branch on and the fix as its hint', () => {
    const error = new ConfigError([
      {
        key: 'kafka.bootstrapServers',
        source: 'environment variable DATAPARK_KAFKA_BOOTSTRAP_SERVERS',
        shownValue: '""',
        expected: 'host:port[,host:port…]',
        fix: 'set DATAPARK_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092',
      },
    ]);
    expect(error).toBeInstanceOf(DataparkError);
    expect([error.code, error.hint]).toEqual([
      'CONFIG_INVALID',
      'set DATAPARK_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092',
    ]);
  });
});

describe('s3Connection', () => {
  it('gives the endpoint, region, path style and keys, and names a missing key with its fix', () => {
    const dir = tempDir();
    writeEndpointsFile(join(dir, 'endpoints.json'), {
      s3: { accessKeyId: 'DPKEYID0000000000001' },
    });
    const missing = () => s3Connection(loadConfig({ env: { DATAPARK_STATE_DIR: dir }, cwd: dir }));
    expect(missing).toThrow(ConfigError);
    expect(missing).toThrow(/s3\.secretAccessKey = <missing>/);
    expect(missing).toThrow(/or set DATAPARK_S3_SECRET_ACCESS_KEY/);
    const secret = 'an-object-store-secret-0000';
    const config = loadConfig({
      env: { DATAPARK_STATE_DIR: dir, DATAPARK_S3_SECRET_ACCESS_KEY: secret },
      cwd: dir,
    });
    expect(s3Connection(config)).toEqual({
      endpoint: 'http://127.0.0.1:17070',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'DPKEYID0000000000001', secretAccessKey: secret },
    });
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain('DPKEYID0000000000001');
    expect(shown).not.toContain(secret);
  });
});
