import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { ImportError } from '@datapark/airflow-client';
import { closestIds, DagNotFoundError, NotFoundError } from '@datapark/airflow-client';
import { airflow, config, parsedDag, runPrefix, testDagsFolder } from './fixtures.js';

describe('a DAG id Airflow does not know', () => {
  it('triggerAndWait says the DAG is unknown, the closest ids and whether a DAG file fails to import', async () => {
    await parsedDag('client_test_ok');
    const importErrors = await airflow.importErrors.list().toArray();
    const error = await airflow
      .triggerAndWait('client_test_okk', { timeoutMs: 30_000 })
      .catch((e: unknown) => e);
    // Still a NotFoundError (the 404 of the unpause) for code that catches those.
    expect(error).toBeInstanceOf(DagNotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    const notFound = error as DagNotFoundError;
    expect(notFound.status).toBe(404);
    expect(notFound.closest[0]).toBe('client_test_ok');
    const [first, ...rest] = notFound.message.split('\n');
    expect(first).toBe(
      `DAG "client_test_okk" is unknown to the Airflow at ${config.airflow.url} ` +
        `(404 from PATCH /api/v2/dags/client_test_okk). Did you mean ${notFound.closest.join(' or ')}?`,
    );
    // What the api-server says about import errors, listed as it says them.
    expect(notFound.importErrors.map((e) => e.filename)).toEqual(
      importErrors.map((e) => e.filename),
    );
    if (importErrors.length === 0) expect(rest).toEqual(['No DAG file fails to import.']);
    else expect(rest[0]).toMatch(/^\d+ DAG files? fails? to import/);
  });

  it('names the DAG file that fails to import and the line of its traceback that says why', async () => {
    await parsedDag('client_test_ok'); // the test-dags bundle exists and is parsed
    const dagId = runPrefix('broken');
    const file = join(testDagsFolder, `${dagId}.py`);
    // Not a file in the repo: the DAG integrity test and ruff would (rightly) refuse it.
    writeFileSync(
      file,
      [
        'from airflow.sdk import DAG',
        '',
        `with DAG(dag_id="${dagId}", schedule=None):`,
        `    raise ValueError("${dagId} is broken on purpose")`,
        '',
      ].join('\n'),
    );
    try {
      const deadline = Date.now() + 120_000;
      let listed: ImportError | undefined;
      while (!listed && Date.now() < deadline) {
        listed = (await airflow.importErrors.list().toArray()).find((e) =>
          e.filename?.endsWith(`${dagId}.py`),
        );
        if (!listed) await sleep(2000);
      }
      expect(listed).toBeDefined();
      const error = (await airflow
        .triggerAndWait(dagId, { timeoutMs: 30_000 })
        .catch((e: unknown) => e)) as DagNotFoundError;
      expect(error).toBeInstanceOf(DagNotFoundError);
      expect(error.importErrors.some((e) => e.filename === listed!.filename)).toBe(true);
      const line = error.message.split('\n').find((l) => l.includes(`${dagId}.py`));
      expect(line).toBe(
        `  - test-dags: ${listed!.filename}: ValueError: ${dagId} is broken on purpose`,
      );
      expect(error.message).toMatch(/DAG files? fails? to import \(a DAG in one is unknown/);
    } finally {
      rmSync(file, { force: true });
      // Leave no import error behind for the tests that compare lists of them.
      const deadline = Date.now() + 90_000;
      while (
        Date.now() < deadline &&
        (await airflow.importErrors.list().toArray()).some((e) =>
          e.filename?.endsWith(`${dagId}.py`),
        )
      )
        await sleep(2000);
    }
  });

  it('lists what Airflow has when nothing is close', async () => {
    const error = (await airflow
      .triggerAndWait('zzzz_nothing_like_it', { timeoutMs: 30_000 })
      .catch((e: unknown) => e)) as DagNotFoundError;
    expect(error).toBeInstanceOf(DagNotFoundError);
    expect(error.closest).toEqual([]);
    expect(error.message.split('\n')[0]).toMatch(
      /\(404 from PATCH \/api\/v2\/dags\/zzzz_nothing_like_it\)\. It has \d+ DAGs?: .*datapark_batch_etl/,
    );
  });

  it("importErrors lists what Airflow's own CLI lists (airflow dags list-import-errors)", async () => {
    const cli = join(config.stateDir, 'airflow', 'bin', 'airflow');
    const { stdout } = await promisify(execFile)(
      cli,
      ['dags', 'list-import-errors', '-o', 'json'],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    // Its log lines come first; the JSON is the last line (`[]` when nothing fails).
    const json = stdout
      .trimEnd()
      .split('\n')
      .findLast((line) => /^\[.*\]$/.test(line) && !line.startsWith('[warning'));
    const fromCli = JSON.parse(json!) as { filepath: string }[];
    const fromApi = await airflow.importErrors.list().toArray();
    expect(fromApi.map((e) => e.filename).sort()).toEqual(fromCli.map((e) => e.filepath).sort());
    for (const e of fromApi)
      expect((await airflow.importErrors.get(e.import_error_id)).filename).toBe(e.filename);
  }, 120_000);

  it('names each file that fails to import with the last line of its traceback', () => {
    // The shape Airflow 3.3's /api/v2/importErrors answers with (ImportErrorResponse).
    const broken: ImportError = {
      import_error_id: 7,
      timestamp: '2026-12-05T00:00:00Z',
      filename: 'my_pipeline.py',
      bundle_name: 'lab',
      stack_trace:
        'Traceback (most recent call last):\n  File "/lab/dags/my_pipeline.py", line 3, in <module>\n' +
        "    import pandaz\nModuleNotFoundError: No module named 'pandaz'\n",
    };
    const notFound = new NotFoundError(
      404,
      'The Dag with ID: `my_pipeline` was not found',
      {
        method: 'PATCH',
        url: `${config.airflow.url}/api/v2/dags/my_pipeline?update_mask=is_paused`,
      },
      '404',
    );
    const error = new DagNotFoundError('my_pipeline', notFound, [], [broken], config.airflow.url, [
      'datapark_batch_etl',
    ]);
    expect(error.message).toBe(
      `DAG "my_pipeline" is unknown to the Airflow at ${config.airflow.url} (404 from PATCH /api/v2/dags/my_pipeline). ` +
        'It has 1 DAG: datapark_batch_etl.\n' +
        '1 DAG file fails to import (a DAG in one is unknown until it is fixed):\n' +
        "  - lab: my_pipeline.py: ModuleNotFoundError: No module named 'pandaz'",
    );
    expect(error.hint).toMatch(/^fix the DAG file that fails to import/);
    expect(error.cause).toBe(notFound);
  });

  it('ranks close ids: holding the name first, then by edits', () => {
    const ids = [
      'datapark_batch_etl',
      'datapark_streaming_keeper',
      'client_test_ok',
      'client_test_fail',
    ];
    expect(closestIds('datapark_batch_etI', ids)).toEqual(['datapark_batch_etl']);
    expect(closestIds('batch_etl', ids)).toEqual(['datapark_batch_etl']);
    expect(closestIds('client_test', ids)).toEqual(['client_test_fail', 'client_test_ok']);
    expect(closestIds('something_else', ids)).toEqual([]);
  });
});
