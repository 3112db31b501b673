import type { DataparkConfig } from './load-config.js';
import { LAKE_CATALOG } from './keys.js';
import { missingSecret, s3Connection } from './connection-urls.js';

/**
 * Spark's redaction pattern with `access-key` added: Spark's default
 * (`(?i)secret|password|token|access[.]?key`) misses Iceberg's `s3.access-key-id`, and every
 * conf key it matches is shown as `*********(redacted)` in the UI, the event log and the
 * history server.
 */
export const LAKE_REDACTION_REGEX = '(?i)secret|password|token|access[.-]?key';

/**
 * The Spark session settings of the lake's Iceberg catalog: a JDBC catalog in PostgreSQL (role
 * and schema `iceberg`), its tables' files in the object store through Iceberg's S3FileIO
 * (path-style). They hold the catalog password and the store's keys, so a job sets them on its
 * own session (`SparkSession.builder.config(…)`), never in spark-defaults.conf or a submission's
 * properties; {@link LAKE_REDACTION_REGEX} keeps them out of the UI and the event log.
 *
 * @example
 * ```ts
 * const conf = lakeSparkConf(loadConfig());
 * conf['spark.sql.catalog.lake.uri']; // 'jdbc:postgresql://127.0.0.1:15432/datapark?currentSchema=iceberg'
 * ```
 */
export function lakeSparkConf(config: DataparkConfig): Readonly<Record<string, string>> {
  const password = config.lake.catalogPassword;
  if (!password) throw missingSecret(config, 'lake.catalogPassword');
  const s3 = s3Connection(config);
  const { host, port, database } = config.postgres;
  const prefix = `spark.sql.catalog.${LAKE_CATALOG.name}`;
  return Object.freeze({
    'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
    'spark.redaction.regex': LAKE_REDACTION_REGEX,
    [prefix]: 'org.apache.iceberg.spark.SparkCatalog',
    [`${prefix}.type`]: 'jdbc',
    // The catalog creates its two tables on first use, in the role's own schema.
    [`${prefix}.uri`]: `jdbc:postgresql://${host}:${port}/${database}?currentSchema=${LAKE_CATALOG.schema}`,
    [`${prefix}.jdbc.user`]: LAKE_CATALOG.role,
    [`${prefix}.jdbc.password`]: password,
    // V1 adds a column the catalog needs for views; the schema is the catalog's own.
    [`${prefix}.jdbc.schema-version`]: 'V1',
    [`${prefix}.warehouse`]: config.lake.warehouse,
    [`${prefix}.io-impl`]: 'org.apache.iceberg.aws.s3.S3FileIO',
    [`${prefix}.s3.endpoint`]: s3.endpoint,
    [`${prefix}.s3.path-style-access`]: 'true',
    [`${prefix}.s3.access-key-id`]: s3.credentials.accessKeyId,
    [`${prefix}.s3.secret-access-key`]: s3.credentials.secretAccessKey,
    [`${prefix}.client.region`]: s3.region,
  });
}
