/**
 * Submits a PySpark job by its path to the platform's Spark and waits for it to end. The local
 * platform's workers run on this machine, so they read the file where it is: no upload.
 *
 *   node lab/scripts/submit-spark-job.ts lab/spark/first_job.py [job arguments…]
 *   npx nx run lab:run -- scripts/submit-spark-job.ts spark/first_job.py
 *
 * The job gets DATAPARK_STATE_DIR, so its config loader (datapark_sdk.config) finds the
 * platform's endpoints and the lab role's password. A failed job's traceback is printed.
 */
import { basename, resolve } from 'node:path';
import { DataparkError, loadConfig } from '@datapark/config';
import { SparkError, SparkRestClient } from '@datapark/spark-client';

const [file, ...args] = process.argv.slice(2);
if (!file?.endsWith('.py')) {
  console.error('usage: node lab/scripts/submit-spark-job.ts <job.py> [job arguments…]');
  process.exit(2);
}

try {
  const config = loadConfig();
  const spark = SparkRestClient.fromConfig(config);
  const path = resolve(file);
  const request = spark.pythonRequest({
    file: path,
    name: `lab-${basename(path, '.py')}`,
    args,
    env: { DATAPARK_STATE_DIR: config.stateDir },
  });
  const done = await spark.submitAndWait(request, {
    // detail: why it waits, e.g. `waiting for cores: 0 free, 1 requested`.
    onProgress: (state, id, detail) =>
      console.log(`${id}: ${state}${detail ? ` (${detail})` : ''}`),
  });
  console.log(`${path} finished in ${(done.elapsedMs / 1000).toFixed(1)} s`);
  // What the job printed (its stdout, from the worker that ran it).
  const printed = (await spark.master.driverOutput(done.submissionId))?.stdout.trim();
  if (printed) console.log(`it printed:\n${printed}`);
  console.log(`its stages and log: ${config.spark.uiUrl} (then ${config.spark.historyUrl})`);
} catch (error) {
  // A failed job (with its traceback), Spark unreachable, no platform found: the message says
  // what happened and what to do.
  if (!(error instanceof SparkError || error instanceof DataparkError)) throw error;
  console.error(error.message);
  if (error.hint) console.error(error.hint);
  process.exitCode = 1;
}
