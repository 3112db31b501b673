import { z } from 'zod';

/**
 * Database roles of shared/DESIGN.md, plus the bootstrap superuser only the platform uses.
 * `lab` is the learner's own: it creates tables in the `lab` schema and reads `source`, `raw`
 * and `processed` (lab/README.md). `dbt` is the ELT project's (apps/dbt-shop): it builds models in
 * the `analytics` schema and reads `source` and `raw`.
 */
export const POSTGRES_ROLES = [
  'admin',
  'owner',
  'ingest',
  'spark_etl',
  'airflow',
  'analyst',
  'generator',
  'lab',
  'dbt',
] as const;
export type PostgresRole = (typeof POSTGRES_ROLES)[number];

/** The login name of each role in PostgreSQL. */
export const POSTGRES_ROLE_USERS: Readonly<Record<PostgresRole, string>> = Object.freeze({
  admin: 'datapark_admin',
  owner: 'datapark_owner',
  ingest: 'ingest',
  spark_etl: 'spark_etl',
  airflow: 'airflow',
  analyst: 'analyst',
  generator: 'generator',
  lab: 'lab',
  dbt: 'dbt',
});

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole port number')
  .min(1, 'expected a port number from 1 to 65535')
  .max(65535, 'expected a port number from 1 to 65535');
const host = z.string().min(1, 'expected a host name or IP address');
const url = z.url({ error: 'expected an absolute URL such as http://127.0.0.1:8080' });
const secret = z.string().min(8, 'expected a secret of at least 8 characters');
const hostPortList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'))
      .min(1, 'expected at least one host:port'),
  );

export interface KeySpec {
  /** Environment variable that overrides the key. */
  readonly env: string;
  readonly schema: z.ZodType;
  readonly default?: unknown;
  readonly secret?: boolean;
  /** What the key is, for the message that tells how to fix it. */
  readonly doc: string;
  /** An example of a good value. */
  readonly example: string;
}

function roleKeys(): Record<string, KeySpec> {
  const keys: Record<string, KeySpec> = {};
  for (const role of POSTGRES_ROLES) {
    keys[`postgres.roles.${role}.password`] = {
      env: `DATAPARK_POSTGRES_${role.toUpperCase()}_PASSWORD`,
      schema: secret,
      secret: true,
      doc: `password of the PostgreSQL role ${POSTGRES_ROLE_USERS[role]}`,
      example: 'a generated secret (the platform writes it to the endpoints file)',
    };
  }
  return keys;
}

/**
 * Every configuration key, its environment variable, validation and default. Dotted keys mirror
 * the shape of {@link DataparkConfig} and of the endpoints file.
 */
export const CONFIG_KEYS = Object.freeze({
  'postgres.host': {
    env: 'DATAPARK_POSTGRES_HOST',
    schema: host,
    default: '127.0.0.1',
    doc: 'PostgreSQL host',
    example: '127.0.0.1',
  },
  'postgres.port': {
    env: 'DATAPARK_POSTGRES_PORT',
    schema: port,
    default: 15432,
    doc: 'PostgreSQL port',
    example: '15432',
  },
  'postgres.database': {
    env: 'DATAPARK_POSTGRES_DATABASE',
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case SQL identifier'),
    default: 'datapark',
    doc: 'the Data Park database',
    example: 'datapark',
  },
  'postgres.airflowDatabase': {
    env: 'DATAPARK_POSTGRES_AIRFLOW_DATABASE',
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case SQL identifier'),
    default: 'airflow',
    doc: "Airflow's metadata database",
    example: 'airflow',
  },
  ...roleKeys(),
  'redis.host': {
    env: 'DATAPARK_REDIS_HOST',
    schema: host,
    default: '127.0.0.1',
    doc: 'Redis host',
    example: '127.0.0.1',
  },
  'redis.port': {
    env: 'DATAPARK_REDIS_PORT',
    schema: port,
    default: 16379,
    doc: 'Redis port',
    example: '16379',
  },
  'redis.password': {
    env: 'DATAPARK_REDIS_PASSWORD',
    schema: secret,
    secret: true,
    doc: 'Redis password',
    example: 'a generated secret',
  },
  'kafka.bootstrapServers': {
    env: 'DATAPARK_KAFKA_BOOTSTRAP_SERVERS',
    schema: hostPortList,
    default: '127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094',
    doc: 'Kafka bootstrap servers, comma separated',
    example: '127.0.0.1:19092,127.0.0.1:19093',
  },
  'spark.masterUrl': {
    env: 'DATAPARK_SPARK_MASTER_URL',
    schema: z.string().regex(/^spark:\/\/[^\s:]+:\d+$/, 'expected spark://host:port'),
    default: 'spark://127.0.0.1:17077',
    doc: 'Spark master URL',
    example: 'spark://127.0.0.1:17077',
  },
  'spark.restUrl': {
    env: 'DATAPARK_SPARK_REST_URL',
    schema: url,
    default: 'http://127.0.0.1:16066',
    doc: 'Spark REST submission server',
    example: 'http://127.0.0.1:16066',
  },
  'spark.restSecret': {
    env: 'DATAPARK_SPARK_REST_SECRET',
    schema: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{43,}$/,
        'expected at least 32 bytes as base64url (43 or more characters of A-Z a-z 0-9 _ -)',
      ),
    secret: true,
    doc: "the key that signs requests to Spark's REST submission server (HS256, JWSFilter)",
    example: 'a generated secret (the platform writes it to the endpoints file)',
  },
  'spark.uiUrl': {
    env: 'DATAPARK_SPARK_UI_URL',
    schema: url,
    default: 'http://127.0.0.1:18080',
    doc: 'Spark master web UI',
    example: 'http://127.0.0.1:18080',
  },
  'spark.historyUrl': {
    env: 'DATAPARK_SPARK_HISTORY_URL',
    schema: url,
    default: 'http://127.0.0.1:18180',
    doc: 'Spark history server',
    example: 'http://127.0.0.1:18180',
  },
  'spark.connectorJars': {
    env: 'DATAPARK_SPARK_CONNECTOR_JARS',
    schema: z.string().startsWith('/', 'expected an absolute directory path'),
    doc: 'directory of the Kafka and JDBC connector jars every Spark driver and executor gets',
    example: '/path/to/checkout/.tools/jars/spark',
  },
  'airflow.url': {
    env: 'DATAPARK_AIRFLOW_URL',
    schema: url,
    default: 'http://127.0.0.1:18280',
    doc: 'Airflow api-server',
    example: 'http://127.0.0.1:18280',
  },
  'airflow.username': {
    env: 'DATAPARK_AIRFLOW_USERNAME',
    schema: z.string().min(1, 'expected a user name'),
    default: 'datapark',
    doc: 'Airflow user',
    example: 'datapark',
  },
  'airflow.password': {
    env: 'DATAPARK_AIRFLOW_PASSWORD',
    schema: secret,
    secret: true,
    doc: 'Airflow password',
    example: 'a generated secret',
  },
  'jupyter.url': {
    env: 'DATAPARK_JUPYTER_URL',
    schema: url,
    default: 'http://127.0.0.1:18888',
    doc: 'JupyterLab',
    example: 'http://127.0.0.1:18888',
  },
  'jupyter.token': {
    env: 'DATAPARK_JUPYTER_TOKEN',
    schema: secret,
    secret: true,
    doc: 'JupyterLab token',
    example: 'a generated secret',
  },
  'superset.url': {
    env: 'DATAPARK_SUPERSET_URL',
    schema: url,
    default: 'http://127.0.0.1:18088',
    doc: 'Apache Superset (dashboards)',
    example: 'http://127.0.0.1:18088',
  },
  'superset.username': {
    env: 'DATAPARK_SUPERSET_USERNAME',
    schema: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a user name of letters, digits, _ . -'),
    default: 'datapark',
    doc: "Superset's admin user",
    example: 'datapark',
  },
  'superset.password': {
    env: 'DATAPARK_SUPERSET_PASSWORD',
    schema: secret,
    secret: true,
    doc: "password of Superset's admin user",
    example: 'a generated secret',
  },
  'superset.secretKey': {
    env: 'DATAPARK_SUPERSET_SECRET_KEY',
    schema: secret,
    secret: true,
    doc: "Superset's SECRET_KEY (signs sessions, encrypts the saved database passwords)",
    example: 'a generated secret',
  },
  'superset.metadataPassword': {
    env: 'DATAPARK_SUPERSET_METADATA_PASSWORD',
    schema: secret,
    secret: true,
    doc: "password of the role superset, which owns Superset's metadata database `superset`",
    example: 'a generated secret',
  },
  'superset.readerPassword': {
    env: 'DATAPARK_SUPERSET_READER_PASSWORD',
    schema: secret,
    secret: true,
    doc: 'password of the role superset_reader, which reads `analytics` and `processed` only (what the charts query)',
    example: 'a generated secret',
  },
  'monitoring.prometheusUrl': {
    env: 'DATAPARK_PROMETHEUS_URL',
    schema: url,
    default: 'http://127.0.0.1:19090',
    doc: 'Prometheus (UI and API); the exporters sit at fixed offsets above its port',
    example: 'http://127.0.0.1:19090',
  },
  'monitoring.alertmanagerUrl': {
    env: 'DATAPARK_ALERTMANAGER_URL',
    schema: url,
    default: 'http://127.0.0.1:19095',
    doc: 'Alertmanager (UI and API)',
    example: 'http://127.0.0.1:19095',
  },
  'monitoring.username': {
    env: 'DATAPARK_MONITORING_USERNAME',
    schema: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a user name of letters, digits, _ . -'),
    default: 'datapark',
    doc: 'user of the Prometheus and Alertmanager UIs and APIs (basic auth)',
    example: 'datapark',
  },
  'monitoring.password': {
    env: 'DATAPARK_MONITORING_PASSWORD',
    schema: secret,
    secret: true,
    doc: 'password of the Prometheus and Alertmanager UIs and APIs (basic auth)',
    example: 'a generated secret',
  },
  'monitoring.postgresPassword': {
    env: 'DATAPARK_MONITORING_POSTGRES_PASSWORD',
    schema: secret,
    secret: true,
    doc: "password of the PostgreSQL exporter's role datapark_monitor (pg_monitor only)",
    example: 'a generated secret (the platform writes it to the endpoints file)',
  },
  's3.url': {
    env: 'DATAPARK_S3_URL',
    schema: url,
    default: 'http://127.0.0.1:17070',
    doc: 'the S3-compatible object store (path-style requests)',
    example: 'http://127.0.0.1:17070',
  },
  's3.region': {
    env: 'DATAPARK_S3_REGION',
    schema: z.string().regex(/^[a-z0-9-]+$/, 'expected a region name such as us-east-1'),
    default: 'us-east-1',
    doc: 'the region requests to the object store are signed for',
    example: 'us-east-1',
  },
  's3.accessKeyId': {
    env: 'DATAPARK_S3_ACCESS_KEY_ID',
    schema: z.string().regex(/^[A-Za-z0-9]{16,128}$/, 'expected 16 to 128 letters and digits'),
    secret: true,
    doc: "the object store's access key id",
    example: 'a generated key id (the platform writes it to the endpoints file)',
  },
  's3.secretAccessKey': {
    env: 'DATAPARK_S3_SECRET_ACCESS_KEY',
    schema: secret,
    secret: true,
    doc: "the object store's secret access key",
    example: 'a generated secret (the platform writes it to the endpoints file)',
  },
  'lake.warehouse': {
    env: 'DATAPARK_LAKE_WAREHOUSE',
    schema: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/, 'expected s3://bucket/path'),
    default: 's3://lake/warehouse',
    doc: "where the lake's Iceberg tables keep their data and metadata files, in the object store",
    example: 's3://lake/warehouse',
  },
  'lake.catalogPassword': {
    env: 'DATAPARK_LAKE_CATALOG_PASSWORD',
    schema: secret,
    secret: true,
    doc: "password of the PostgreSQL role iceberg, which keeps the Iceberg JDBC catalog's tables in the schema iceberg and nothing else",
    example: 'a generated secret (the platform writes it to the endpoints file)',
  },
} satisfies Record<string, KeySpec>) as Readonly<Record<string, KeySpec>>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/**
 * The buckets the platform creates in the object store at `up`: `lake` for tables (Iceberg),
 * `archive` for raw files kept as they came.
 */
export const S3_BUCKETS = ['lake', 'archive'] as const;
export type S3Bucket = (typeof S3_BUCKETS)[number];

/**
 * The lake's Iceberg catalog: the name Spark jobs and notebooks use for it (`lake.silver.orders`),
 * the PostgreSQL role and schema of Iceberg's JDBC catalog (its tables `iceberg_tables` and
 * `iceberg_namespace_properties`), and `reader`, the read-only role that may SELECT the catalog's
 * tables (which table's metadata file is current) and nothing more of it: what `@datapark/lake`
 * connects as, so reading the lake never needs the catalog owner's password.
 */
export const LAKE_CATALOG = Object.freeze({
  name: 'lake',
  role: 'iceberg',
  schema: 'iceberg',
  reader: 'analyst',
} as const satisfies {
  name: string;
  role: string;
  schema: string;
  reader: PostgresRole;
});
