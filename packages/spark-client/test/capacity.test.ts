import { randomUUID } from 'node:crypto';
import type { DriverState } from '@datapark/spark-client';
import { SparkTimeoutError, SubmissionNotFoundError } from '@datapark/spark-client';
import { job, spark } from './fixtures.js';

describe('a driver that waits for room on the cluster', () => {
  it('says why it sits in SUBMITTED, from the master: waiting for cores, free and requested', async () => {
    // More cores than any worker has: the master accepts the driver and can never start it,
    // so the test holds none of the shared cluster's cores while it watches it wait.
    const master = await spark.master.status();
    const alive = master.workers.filter((w) => w.state === 'ALIVE');
    const requested = Math.max(...alive.map((w) => w.cores)) + 1;
    const progress: [DriverState, string | undefined][] = [];
    const request = spark.pythonRequest({
      file: job('count_rows.py'),
      name: `too-big-${randomUUID().slice(0, 8)}`,
      args: ['10', '/dev/null'],
      conf: { 'spark.driver.cores': String(requested) },
    });
    const id = await spark.create(request);
    try {
      const error = await spark
        .waitFor(id, {
          timeoutMs: 4_000,
          appName: request.sparkProperties['spark.app.name'],
          onProgress: (state, _id, detail) => progress.push([state, detail]),
        })
        .catch((e: unknown) => e);
      const reason = new RegExp(
        `^waiting for cores: \\d+ free(; at most \\d+ on one worker)?, ${requested} requested ` +
          `\\(${master.cores} cores in all, \\d+ in use by \\d+ applications? and \\d+ drivers?\\)$`,
      );
      expect(progress[0]![0]).toBe('SUBMITTED');
      expect(progress[0]![1]).toMatch(reason);
      // The timeout names it too, with the id to kill.
      expect(error).toBeInstanceOf(SparkTimeoutError);
      expect((error as Error).message).toMatch(
        new RegExp(`^Spark driver ${id} still SUBMITTED \\(waiting for cores: .*\\) after 4s`),
      );
    } finally {
      await spark.kill(id).catch((e: unknown) => {
        if (!(e instanceof SubmissionNotFoundError)) throw e;
      });
    }
  }, 120_000);

  it('says nothing while a driver has room: a job that runs reports no reason', async () => {
    const details: (string | undefined)[] = [];
    const tag = randomUUID().slice(0, 8);
    const done = await spark.submitAndWait(
      spark.pythonRequest({ file: job('print_lines.py'), name: `lines-${tag}`, args: ['30', tag] }),
      { timeoutMs: 240_000, onProgress: (_s, _id, detail) => details.push(detail) },
    );
    expect(done.driverState).toBe('FINISHED');
    // The cluster is shared with other tests: a moment of waiting is possible, never a wrong
    // reason; and once it runs, there is none.
    for (const d of details.filter(Boolean))
      expect(d).toMatch(/^waiting for (cores|memory)|waits for an executor/);
    expect(details.at(-1)).toBeUndefined();

    // A successful run's whole output: every line it printed, not an excerpt.
    const output = await spark.driverOutput(done.submissionId);
    const lines = output!.stdout.split('\n').filter((l) => l.startsWith(`${tag} line `));
    expect(lines).toHaveLength(30);
    expect(lines[0]).toBe(`${tag} line 1 of 30`);
    expect(lines[29]).toBe(`${tag} line 30 of 30`);
    expect(output!.stderr).toMatch(/SparkContext/);
  }, 300_000);
});
