import type { DataparkConfig } from '@datapark/config';
import { s3Connection } from '@datapark/config';

/** A SQL string literal: single quotes doubled. */
export const sqlLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The bucket of `lake.warehouse` (`s3://lake/warehouse` → `lake`). */
export function warehouseBucket(config: DataparkConfig): string {
  return new URL(config.lake.warehouse).host;
}

/**
 * DuckDB's `CREATE SECRET` for the object store: its endpoint (host:port, without the scheme),
 * path-style requests, TLS only for an `https:` URL, the region and the keys of `s3.*`, scoped
 * to the warehouse's bucket. The statement holds the secret key: run it, never print it. DuckDB
 * keeps secrets in memory (`duckdb_secrets()` shows the key id and `secret=redacted`).
 *
 * @example
 * ```ts
 * await connection.run(s3SecretStatement(loadConfig()));
 * // CREATE OR REPLACE SECRET lake_s3 (TYPE s3, KEY_ID '…', SECRET '…',
 * //   ENDPOINT '127.0.0.1:17070', URL_STYLE 'path', USE_SSL false, REGION 'us-east-1', SCOPE 's3://lake')
 * ```
 */
export function s3SecretStatement(config: DataparkConfig): string {
  const s3 = s3Connection(config); // a ConfigError naming the key and the fix when keys are missing
  const url = new URL(s3.endpoint);
  return [
    'CREATE OR REPLACE SECRET lake_s3 (TYPE s3',
    `KEY_ID ${sqlLiteral(s3.credentials.accessKeyId)}`,
    `SECRET ${sqlLiteral(s3.credentials.secretAccessKey)}`,
    `ENDPOINT ${sqlLiteral(url.host)}`,
    `URL_STYLE 'path'`,
    `USE_SSL ${url.protocol === 'https:'}`,
    `REGION ${sqlLiteral(s3.region)}`,
    `SCOPE ${sqlLiteral(`s3://${warehouseBucket(config)}`)})`,
  ].join(', ');
}
