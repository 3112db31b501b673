import { join } from 'node:path';
import type { DataparkConfig } from '@datapark/config';

/**
 * The connections the DAGs use, as AIRFLOW_CONN_* variables in Airflow's JSON form: one per
 * PostgreSQL role a DAG needs, the Spark REST submission server and Kafka. They follow
 * @datapark/config at every start, so a moved port or a new password reaches the DAGs.
 */
export function airflowConnections(
  config: DataparkConfig,
  paths: { sparkJobs: string; stateDir: string },
): Record<string, string> {
  const postgres = (role: 'airflow' | 'spark_etl' | 'lab') => ({
    conn_type: 'postgres',
    host: config.postgres.host,
    port: config.postgres.port,
    schema: config.postgres.database,
    login: config.postgres.roles[role].user,
    password: config.postgres.roles[role].password,
  });
  const rest = new URL(config.spark.restUrl);
  return {
    AIRFLOW_CONN_DATAPARK_POSTGRES: JSON.stringify(postgres('airflow')),
    AIRFLOW_CONN_DATAPARK_SPARK_ETL: JSON.stringify(postgres('spark_etl')),
    // The learner's DAGs in lab/dags: creates tables in `lab`, reads source, raw and processed.
    AIRFLOW_CONN_DATAPARK_LAB: JSON.stringify(postgres('lab')),
    AIRFLOW_CONN_DATAPARK_SPARK_REST: JSON.stringify({
      conn_type: 'http',
      host: rest.hostname,
      port: Number(rest.port),
      schema: rest.protocol.replace(':', ''),
      // The key the DAGs sign REST requests with; Airflow masks connection passwords in logs.
      ...(config.spark.restSecret ? { password: config.spark.restSecret } : {}),
      extra: {
        master_url: config.spark.masterUrl,
        ...(config.spark.connectorJars ? { connector_jars: config.spark.connectorJars } : {}),
        jobs_dir: paths.sparkJobs,
        // Jobs read Kafka from the endpoints file; the streaming job checkpoints here.
        state_dir: paths.stateDir,
        checkpoint_dir: join(paths.stateDir, 'spark', 'checkpoints'),
        // The batch DAG builds each closed day in the lake too, once the object store and the
        // catalog have their keys (not under `up --without objectstore` on a fresh state).
        lake: Boolean(
          config.s3.accessKeyId && config.s3.secretAccessKey && config.lake.catalogPassword,
        ),
      },
    }),
    AIRFLOW_CONN_DATAPARK_KAFKA: JSON.stringify({
      conn_type: 'kafka',
      // librdkafka's form: one comma-separated string.
      extra: {
        'bootstrap.servers': config.kafka.bootstrapServers.join(','),
        'group.id': 'airflow',
      },
    }),
  };
}
