// Copies what the charts deliver into the pods from the rest of the repository into the
// subcharts' files/ folders, where `.Files.Get` / `.Files.Glob` can read it. One module per
// folder:
//
//   postgres-sql.ts        postgresql/files/sql/      roles and migrations SQL from @datapark/db
//   kafka-topics.ts        kafka/files/topics/        the events catalog's topics and DLQs, the contracts
//   airflow-dags.ts        airflow/files/dags/        the DAGs and the Python SDK beside them
//   jupyter-notebooks.ts   jupyter/files/notebooks/   the sample notebooks
//   jupyter-python-sdk.ts  jupyter/files/python-sdk/  the Python SDK for the PySpark kernel
//   jupyter-sdk.ts         jupyter/files/sdk/         npm pack of the SDKs for the TypeScript kernel
//   spark-jobs.ts          spark/files/jobs/          the PySpark jobs, the SDK and the catalog
//   superset-provisioning.ts superset/files/provisioning/ provision.py and the dashboards as code
//   spark-jars.ts          spark/files/jars/,         jars.lock: Spark's connector jars, pinned
//                          jupyter/files/jars/
//   monitoring-rules.ts    monitoring/files/rules/    the alert rules of the local platform,
//                          monitoring/files/dashboards/ its console templates (dashboards),
//                          kafka/files/monitoring/    the brokers' JMX exporter rules,
//                          airflow/files/monitoring/  statsd_exporter's mapping of the StatsD names,
//                          objectstore/files/monitoring/ also for the object store's and
//                          superset/files/monitoring/ Superset's exporter sidecars
//
// Each folder gets a SOURCES.json (source path and sha256 of every file) that the charts require
// (a chart rendered without it fails and says to run the sync) and the tests compare against the
// sources. The copies are generated, not committed: `npx nx run charts:sync-files`, which builds
// the packages this imports first. Node runs it as it is (type stripping): `node charts/sync/main.ts`.
import { airflowDags } from './airflow-dags.ts';
import { writeFolder } from './files.ts';
import type { Delivery } from './files.ts';
import { jupyterNotebooks } from './jupyter-notebooks.ts';
import { jupyterPythonSdk } from './jupyter-python-sdk.ts';
import { jupyterSdk } from './jupyter-sdk.ts';
import { kafkaTopics } from './kafka-topics.ts';
import {
  airflowStatsdMapping,
  kafkaJmxExporterRules,
  monitoringDashboards,
  monitoringRules,
  objectstoreStatsdMapping,
  supersetStatsdMapping,
} from './monitoring-rules.ts';
import { postgresSql } from './postgres-sql.ts';
import { jupyterJars, sparkJars } from './spark-jars.ts';
import { sparkJobs } from './spark-jobs.ts';
import { supersetProvisioning } from './superset-provisioning.ts';
import { SyncError } from './sync-error.ts';

const DELIVERIES: readonly Delivery[] = [
  postgresSql,
  kafkaTopics,
  airflowDags,
  jupyterNotebooks,
  jupyterPythonSdk,
  jupyterSdk,
  sparkJobs,
  monitoringRules,
  supersetProvisioning,
  sparkJars,
  jupyterJars,
  monitoringDashboards,
  kafkaJmxExporterRules,
  airflowStatsdMapping,
  objectstoreStatsdMapping,
  supersetStatsdMapping,
];

try {
  for (const delivery of DELIVERIES) writeFolder(delivery, await delivery.build());
} catch (error) {
  if (!(error instanceof SyncError)) throw error;
  console.error(`sync-files: ${error.message}`);
  process.exitCode = 1;
}
