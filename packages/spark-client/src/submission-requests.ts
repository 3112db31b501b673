import { fileURLToPath } from 'node:url';
import type { CreateSubmissionRequest } from './protocol.js';

/** What every submission request needs to know of the cluster. */
export interface ClusterSettings {
  /** The spark:// URL drivers are told to use. */
  readonly masterUrl: string;
  /** The Spark version we claim to be (clientSparkVersion); the server checks nothing more. */
  readonly clientSparkVersion: string;
  /** A directory of jars for every driver's and executor's classpath. */
  readonly connectorJars?: string | undefined;
}

export interface PythonSubmission {
  /** Absolute path of the script, readable by the workers. */
  readonly file: string;
  readonly args?: readonly string[];
  readonly name: string;
  readonly conf?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  /** Extra .py/.zip files for the driver's PYTHONPATH (spark.submit.pyFiles). */
  readonly pyFiles?: readonly string[];
}

/**
 * JVM options for every driver a request starts (the worker launches the driver JVM with the
 * request's spark.driver.extraJavaOptions, not spark-defaults.conf's): C1 only
 * (-XX:TieredStopAtLevel=1). Our jobs are short and the two cores are shared, so C2's
 * background compiling costs more than its faster code gives back. Measured 2026-12-05 (issue
 * 16; a tiny job over REST, rounds alternated, load average 11-15): submit to first job done
 * 42.4, 45.4, 37.2 s as before, 12.2, 21.8, 13.4 s with it. A job's conf overrides it.
 */
export const DRIVER_JAVA_OPTIONS = '-XX:TieredStopAtLevel=1';

/**
 * The heap of every driver a request starts. Spark's REST server sizes the driver it launches
 * from the request's spark.driver.memory alone, else 1024 MiB (StandaloneRestServer), never from
 * spark-defaults.conf: without it a driver took 1 GiB of a worker's memory where the cluster's
 * defaults (the local platform's, the chart's spark.applications.driverMemory) say 512m, and the
 * chart's minimal profile, one worker of 1g, could never place the executor beside it. A job's
 * conf overrides it.
 */
export const DRIVER_MEMORY = '512m';

/**
 * Conf that gives a job's driver and executors Java's default compiling back (C1, then C2),
 * replacing the C1-only options: for a job that runs long (the streaming job) or computes hard.
 */
export const TIERED_JIT_CONF = {
  'spark.driver.extraJavaOptions': '-XX:+TieredCompilation',
  'spark.executor.extraJavaOptions': '-XX:+TieredCompilation',
} as const;

/**
 * A request that runs a PySpark script, in Spark's documented REST form: main class
 * SparkSubmit with the script in appArgs; SparkSubmit runs it in client mode on the worker.
 */
export function pythonRequest(
  submission: PythonSubmission,
  cluster: ClusterSettings,
): CreateSubmissionRequest {
  const sparkProperties: Record<string, string> = {
    ...classPathProperties(cluster.connectorJars),
    'spark.driver.extraJavaOptions': DRIVER_JAVA_OPTIONS,
    'spark.driver.memory': DRIVER_MEMORY,
    'spark.app.name': submission.name,
    'spark.master': cluster.masterUrl,
    'spark.submit.deployMode': 'client',
    ...(submission.pyFiles?.length ? { 'spark.submit.pyFiles': submission.pyFiles.join(',') } : {}),
    ...submission.conf,
  };
  return {
    action: 'CreateSubmissionRequest',
    appResource: submission.file,
    mainClass: 'org.apache.spark.deploy.SparkSubmit',
    appArgs: [submission.file, ...(submission.args ?? [])],
    clientSparkVersion: cluster.clientSparkVersion,
    sparkProperties,
    environmentVariables: { SPARK_ENV_LOADED: '1', ...submission.env },
  };
}

/**
 * A request that runs the statements of a SQL file, through a small PySpark runner shipped
 * with this package (python/run_sql.py).
 */
export function sqlRequest(
  submission: Omit<PythonSubmission, 'file' | 'args'> & { readonly sqlFile: string },
  cluster: ClusterSettings,
): CreateSubmissionRequest {
  const runner = fileURLToPath(new URL('../python/run_sql.py', import.meta.url));
  const { sqlFile, ...rest } = submission;
  return pythonRequest({ ...rest, file: runner, args: [sqlFile] }, cluster);
}

/**
 * A driver the REST server starts does not read the cluster's spark-defaults.conf, so the
 * connector jars are passed along.
 */
function classPathProperties(jars: string | undefined): Record<string, string> {
  return jars
    ? { 'spark.driver.extraClassPath': `${jars}/*`, 'spark.executor.extraClassPath': `${jars}/*` }
    : {};
}
