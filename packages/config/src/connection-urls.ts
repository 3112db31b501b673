import { existsSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import type { PostgresRole } from './keys.js';
import { CONFIG_KEYS } from './keys.js';
import type { DataparkConfig } from './load-config.js';
import { statePointerFile } from './state-pointer.js';

export function missingSecret(config: DataparkConfig, key: string): ConfigError {
  const spec = CONFIG_KEYS[key]!;
  // No endpoints file at all: most often a script run outside the checkout of a platform that
  // is running, so the fix names where to point it before how to start one.
  const noFile = !existsSync(config.endpointsFile);
  return new ConfigError(
    [
      {
        key,
        source: `endpoints file ${config.endpointsFile}${noFile ? ' (which does not exist)' : ''}`,
        shownValue: '<missing>',
        expected: `${spec.doc} is required`,
        fix: noFile
          ? `if a platform runs from a checkout, set DATAPARK_STATE_DIR to its state directory (export DATAPARK_STATE_DIR=/path/to/checkout/.datapark) or run from inside that checkout; if none runs, start one (npx nx run platform:up), which records its state directory in ${statePointerFile()} for scripts run elsewhere; or set ${spec.env}`
          : `start the platform (npx nx run platform:up), which generates it and writes the endpoints file, or set ${spec.env}`,
      },
    ],
    'Missing Data Park credentials',
  );
}

/**
 * The connection URL of one PostgreSQL role. `database` defaults to the Data Park database.
 *
 * @example
 * ```ts
 * new pg.Pool({ connectionString: postgresUrl(loadConfig(), 'analyst') });
 * ```
 */
export function postgresUrl(
  config: DataparkConfig,
  role: PostgresRole,
  database: string = config.postgres.database,
): string {
  const { user, password } = config.postgres.roles[role];
  if (!password) throw missingSecret(config, `postgres.roles.${role}.password`);
  const auth = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return `postgres://${auth}@${config.postgres.host}:${config.postgres.port}/${database}`;
}

/** The Redis URL with its password. */
export function redisUrl(config: DataparkConfig, db = 0): string {
  if (!config.redis.password) throw missingSecret(config, 'redis.password');
  const { host, port, password } = config.redis;
  return `redis://:${encodeURIComponent(password)}@${host}:${port}/${db}`;
}

/** What an S3 client needs to reach the platform's object store (the AWS SDKs' names). */
export interface S3Connection {
  readonly endpoint: string;
  readonly region: string;
  /** The store answers path-style requests (`http://host:port/bucket/key`) only. */
  readonly forcePathStyle: true;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * The object store's endpoint and keys, in the shape `new S3Client(…)` of @aws-sdk/client-s3
 * takes.
 *
 * @example
 * ```ts
 * const s3 = new S3Client(s3Connection(loadConfig()));
 * await s3.send(new ListObjectsV2Command({ Bucket: 'lake' }));
 * ```
 */
export function s3Connection(config: DataparkConfig): S3Connection {
  const { url, region, accessKeyId, secretAccessKey } = config.s3;
  if (!accessKeyId) throw missingSecret(config, 's3.accessKeyId');
  if (!secretAccessKey) throw missingSecret(config, 's3.secretAccessKey');
  return {
    endpoint: url,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  };
}

/** A copy of the config with every secret replaced, safe to print or log. */
export function redactConfig(config: DataparkConfig): unknown {
  return JSON.parse(
    JSON.stringify(config, (key, value: unknown) =>
      typeof value === 'string' && /password|token|secret|accesskey/i.test(key)
        ? '<redacted>'
        : value,
    ),
  );
}
