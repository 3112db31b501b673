import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DagRunFailedError,
  DagRunTimeoutError,
  RequestAbortedError,
} from '@datapark/airflow-client';
import type { WaitProgress } from '@datapark/airflow-client';
import { airflow, parsedDag } from './fixtures.js';

beforeAll(async () => {
  await parsedDag('client_test_ok');
  await parsedDag('client_test_fail');
}, 180_000);

describe('dags.tasks and dags.source', () => {
  it("lists a DAG's tasks as its file defines them, each with its downstream tasks", async () => {
    const tasks = await airflow.dags.tasks('client_test_ok');
    expect(tasks.map((t) => [t.task_id, t.downstream_task_ids])).toEqual([
      ['double', ['linger']],
      ['extract', ['double']],
      ['linger', []],
    ]);
    expect(tasks[0]!.operator_name).toBe('@task');
  });

  it("gives the DAG file's text as Airflow parsed it", async () => {
    const source = await airflow.dags.source('client_test_ok');
    expect(source.dag_id).toBe('client_test_ok');
    expect(source.content).toBe(
      readFileSync(join(import.meta.dirname, 'dags', 'client_test_ok.py'), 'utf8'),
    );
  });
});

describe('triggerAndWait', () => {
  it('unpauses the DAG, runs it to success, and reports the run and its tasks as they change', async () => {
    await airflow.dags.pause('client_test_ok');
    const progress: WaitProgress[] = [];
    const done = await airflow.triggerAndWait('client_test_ok', {
      conf: { sleep_seconds: 0 },
      note: 'airflow-client test',
      pollMs: 1000,
      timeoutMs: 240_000,
      onProgress: (p) => progress.push(p),
    });

    expect(done.dagRun.state).toBe('success');
    expect((await airflow.dags.get('client_test_ok')).is_paused).toBe(false);
    expect(progress[0]?.kind).toBe('triggered');
    const last = progress.at(-1);
    expect(last?.kind === 'progress' && last.dagRun.state).toBe('success');
    expect(done.taskInstances.map((t) => [t.task_id, t.state]).sort()).toEqual([
      ['double', 'success'],
      ['extract', 'success'],
      ['linger', 'success'],
    ]);

    // The run is in the list of runs, and the task's return value is an XCom.
    const runs = await airflow.dagRuns
      .list('client_test_ok', { run_id_pattern: done.dagRun.dag_run_id })
      .toArray();
    expect(runs.map((r) => r.dag_run_id)).toEqual([done.dagRun.dag_run_id]);
    const doubled = await airflow.xcoms.get(
      { dagId: 'client_test_ok', dagRunId: done.dagRun.dag_run_id, taskId: 'double' },
      'return_value',
      { deserialize: true },
    );
    expect(doubled.value).toBe(42);
  }, 300_000);

  it('ends a failing DAG in DagRunFailedError, with the failed task and its exception in the log', async () => {
    const error = (await airflow
      .triggerAndWait('client_test_fail', { pollMs: 1000, timeoutMs: 240_000 })
      .catch((e: unknown) => e)) as DagRunFailedError;
    expect(error).toBeInstanceOf(DagRunFailedError);
    expect(error.dagRun.state).toBe('failed');
    expect(error.failedTasks.map((t) => t.taskInstance.task_id)).toEqual(['explode']);
    expect(error.message).toMatch(/ValueError: datapark-test: the task failed on purpose/);

    // The same logs, asked for afterwards.
    const logs = await airflow.failedTaskLogs('client_test_fail', error.dagRun.dag_run_id);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.tryNumber).toBe(1);
    expect(logs[0]!.log).toMatch(/ValueError: datapark-test: the task failed on purpose/);
    const ok = await airflow.taskInstances.get(
      'client_test_fail',
      error.dagRun.dag_run_id,
      'prepare',
    );
    expect(ok.state).toBe('success');
  }, 300_000);
});

describe('waiting, bounded', () => {
  it('gives up after timeoutMs with DagRunTimeoutError while the run goes on in Airflow', async () => {
    const error = (await airflow
      .triggerAndWait('client_test_ok', {
        conf: { sleep_seconds: 60 },
        pollMs: 500,
        timeoutMs: 2000,
      })
      .catch((e: unknown) => e)) as DagRunTimeoutError;
    expect(error).toBeInstanceOf(DagRunTimeoutError);
    expect(['queued', 'running']).toContain(error.dagRun.state);
    // Still there, and ours to end: mark it failed rather than wait a minute.
    const ended = await airflow.dagRuns.update('client_test_ok', error.dagRun.dag_run_id, {
      state: 'failed',
    });
    expect(ended.state).toBe('failed');
  }, 60_000);

  it('stops at once on its AbortSignal with RequestAbortedError', async () => {
    const controller = new AbortController();
    let runId = '';
    const wait = airflow.triggerAndWait('client_test_ok', {
      conf: { sleep_seconds: 60 },
      pollMs: 500,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.kind === 'triggered') {
          runId = p.dagRun.dag_run_id;
          setTimeout(() => controller.abort(), 1000);
        }
      },
    });
    await expect(wait).rejects.toBeInstanceOf(RequestAbortedError);
    await airflow.dagRuns.update('client_test_ok', runId, { state: 'failed' });
  }, 60_000);
});
