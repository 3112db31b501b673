import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AirflowClient, NotFoundError } from '@datapark/airflow-client';
import { config, runScript } from './fixtures.js';

// The lab's trigger script against the shared Airflow, with a DAG of this test's own in the
// platform's `test-dags` bundle (the lab bundle holds the learner's DAGs; its example is run by
// apps/airflow-dags/tests/test_lab_dag.py).
const DAG_ID = 'lab_test_trigger_probe';
const folder = join(config.stateDir, 'airflow', 'test-dags');
const file = join(folder, `${DAG_ID}.py`);
const airflow = AirflowClient.fromConfig(config);

beforeAll(async () => {
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    file,
    `"""A DAG of lab/test/trigger-dag.test.ts: two tasks, nothing outside Airflow."""
from datetime import datetime

from airflow.sdk import dag, task


@dag(dag_id="${DAG_ID}", schedule=None, start_date=datetime(2026, 1, 1), catchup=False,
     tags=["test"], default_args={"owner": "lab", "retries": 0})
def probe():
    @task
    def answer() -> int:
        return 42

    @task
    def check(n: int) -> None:
        assert n == 42

    check(answer())


probe()
`,
  );
  // The dag-processor lists a new file within about 10 s. A rerun finds the DAG of the last run,
  // stale since its file went: wait for this file's parse.
  const written = Date.now() - 1000;
  for (;;) {
    try {
      const dag = await airflow.dags.get(DAG_ID);
      if (!dag.is_stale && Date.parse(dag.last_parsed_time ?? '') >= written) return;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (Date.now() - written > 180_000)
      throw new Error(`Airflow did not parse ${file} within 3 minutes: is its dag-processor up?`);
    await sleep(2000);
  }
}, 200_000);

afterAll(() => rmSync(file, { force: true }));

describe('lab/scripts/trigger-dag.ts', () => {
  it("unpauses and triggers a DAG, follows its tasks and ends with the run's state", async () => {
    const run = await runScript('trigger-dag.ts', [DAG_ID]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^triggered ${DAG_ID}: run \\S+$`, 'm'));
    expect(run.stdout).toMatch(/^ {2}answer: success$/m);
    expect(run.stdout).toMatch(/^ {2}check: success$/m);
    expect(run.stdout).toMatch(
      new RegExp(`^${DAG_ID}: success in \\d+\\.\\d s, ${config.airflow.url}/dags/${DAG_ID}$`, 'm'),
    );
  }, 300_000);

  it('gives the run the logical date of --logical-date', async () => {
    // Airflow keeps one run per logical date: a second of a past day this test has not used.
    const logicalDate = new Date(
      Date.UTC(2026, 0, 1) + (Math.floor(Date.now() / 1000) % 86_400) * 1000,
    )
      .toISOString()
      .replace('.000Z', 'Z');
    const run = await runScript('trigger-dag.ts', [DAG_ID, '--logical-date', logicalDate]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^triggered ${DAG_ID}: run \\S+, logical date ${logicalDate}$`, 'm'),
    );
  }, 300_000);

  it('exits 2 with the usage for a logical date that is not a date', async () => {
    const run = await runScript('trigger-dag.ts', [DAG_ID, '--logical-date', 'yesterday']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'not a date: yesterday\nusage: node lab/scripts/trigger-dag.ts <dag_id> [--logical-date 2026-12-05T00:00:00Z]\n',
    );
  });

  it('exits 1 with a message, not a stack, for a DAG Airflow does not know', async () => {
    const run = await runScript('trigger-dag.ts', ['lab_no_such_dag']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('lab_no_such_dag');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
