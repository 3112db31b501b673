import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { loadConfig } from '@datapark/config';
import { AirflowClient, NotFoundError } from '@datapark/airflow-client';
import type { Dag } from '@datapark/airflow-client';

export const config = loadConfig();
export const airflow = AirflowClient.fromConfig(config);
export const workspaceRoot = join(import.meta.dirname, '..', '..', '..');

/** A prefix unique to this run, for variables, pools and connections a test creates. */
export const runPrefix = (what: string) =>
  `client_test_${what}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;

/**
 * The local platform's `test-dags` bundle (a folder under its state dir, beside the platform's
 * and the lab's bundles): the test DAGs are copied in there, so they are never in the folder
 * the chart ships nor in a learner's Airflow until a test runs.
 */
export const testDagsFolder = join(config.stateDir, 'airflow', 'test-dags');

function installTestDags(): void {
  const source = join(import.meta.dirname, 'dags');
  mkdirSync(testDagsFolder, { recursive: true });
  for (const file of readdirSync(source).filter((f) => f.endsWith('.py')))
    copyFileSync(join(source, file), join(testDagsFolder, file));
}

/**
 * The DAG once the dag-processor has parsed its file (it lists new files every 10 s on the
 * local platform), so a test never races the parser. Installs the test DAGs first.
 */
export async function parsedDag(dagId: string, timeoutMs = 120_000): Promise<Dag> {
  installTestDags();
  const started = Date.now();
  for (;;) {
    try {
      return await airflow.dags.get(dagId);
    } catch (error) {
      if (!(error instanceof NotFoundError) || Date.now() - started > timeoutMs) throw error;
      await sleep(2000);
    }
  }
}

/** The platform CLI, as a learner runs it: `datapark stop airflow-api-server`. */
export async function datapark(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(workspaceRoot, 'apps', 'datapark-cli', 'dist', 'cli.js'), ...args],
    { cwd: workspaceRoot },
  );
  return stdout;
}
