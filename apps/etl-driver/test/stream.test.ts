import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkRestClient } from '@datapark/spark-client';
import { config, killLeftovers, pool, runCli } from './fixtures.js';

const analyst = pool('analyst');
// A state directory of its own (the endpoints stay the platform's): the test's state file and
// checkpoint never touch a streaming job someone else started.
const stateDir = mkdtempSync(join(tmpdir(), 'etl-stream-test-'));
const env = {
  DATAPARK_STATE_DIR: stateDir,
  DATAPARK_ENDPOINTS_FILE: config.endpointsFile,
};

afterAll(async () => {
  killLeftovers();
  await runCli(['stream', 'stop'], env);
  await runCli(['stream', 'stop', '--job', 'bronze'], env);
  await analyst.end();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('datapark-etl stream', () => {
  it('starts the streaming job, reports it running, and stops it, recording the run', async () => {
    const checkpoint = join(stateDir, 'checkpoints', randomUUID());
    const started = await runCli(['stream', 'start', '--checkpoint', checkpoint], env);
    expect({ code: started.code, stderr: started.code ? started.stderr : '' }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(started.stderr).toMatch(/stream: RUNNING as driver-/);
    const submissionId = /RUNNING as (driver-\S+)/.exec(started.stderr)![1]!;

    // Long-running, it compiles with C2 as well, unlike the platform's short jobs (C1 only).
    const launch =
      (await SparkRestClient.fromConfig(config).master.driverOutput(submissionId, 4_000_000))
        ?.stderr ?? '';
    expect(launch).toMatch(/Launch Command: .*"-XX:\+TieredCompilation"/);
    expect(launch).not.toContain('"-XX:TieredStopAtLevel=1"');
    // And the 1 GiB driver it has always had (STREAMING_DRIVER_MEMORY), not the clients' 512m.
    expect(launch).toMatch(/Launch Command: .*"-Xmx1024M"/);

    // A second start leaves the running job alone.
    const again = await runCli(['stream', 'start', '--checkpoint', checkpoint], env);
    expect(again.stderr).toContain(`already running as ${submissionId}`);

    const status = await runCli(['stream', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      driverState: 'RUNNING',
      state: { submissionId, checkpoint },
    });

    const stopped = await runCli(['stream', 'stop'], env);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain(`${submissionId} KILLED`);
    const after = await runCli(['stream', 'status'], env);
    expect(after.stdout).toMatch(/^stream: not running/);

    const run = await analyst.query(
      `SELECT status, details->>'finalState' AS final_state, finished_at IS NOT NULL AS finished
         FROM etl.job_runs WHERE job_name = 'streaming_metrics' AND details->>'submissionId' = $1`,
      [submissionId],
    );
    expect(run.rows).toEqual([{ status: 'success', final_state: 'KILLED', finished: true }]);
  }, 300_000);

  it('runs the bronze archive beside it with --job bronze, in its own state file and job runs', async () => {
    // A local checkpoint and the topics' latest offsets: this checks the wiring, not the archive
    // (apps/spark-jobs/test/kafka-bronze.test.ts does, with its checkpoint in the object store).
    const checkpoint = join(stateDir, 'checkpoints', `bronze-${randomUUID()}`);
    const started = await runCli(
      [
        'stream',
        'start',
        '--job',
        'bronze',
        '--checkpoint',
        checkpoint,
        '--starting-offsets',
        'latest',
      ],
      env,
    );
    expect({ code: started.code, stderr: started.code ? started.stderr : '' }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(started.stderr).toContain('submitted kafka_bronze.py');
    expect(started.stderr).toContain('stop it with `datapark-etl stream stop --job bronze`');
    const submissionId = /RUNNING as (driver-\S+)/.exec(started.stderr)![1]!;

    const status = await runCli(['stream', 'status', '--job', 'bronze', '--json'], env);
    expect(JSON.parse(status.stdout)).toEqual({
      driverState: 'RUNNING',
      state: expect.objectContaining({ submissionId, checkpoint }),
    });
    // The metrics job's state is another file: it is not running.
    expect((await runCli(['stream', 'status'], env)).stdout).toMatch(/^stream: not running/);

    const stopped = await runCli(['stream', 'stop', '--job', 'bronze'], env);
    expect(stopped.stderr).toContain(`${submissionId} KILLED`);
    const run = await analyst.query(
      `SELECT status, details->>'checkpoint' AS checkpoint
         FROM etl.job_runs WHERE job_name = 'kafka_bronze' AND details->>'submissionId' = $1`,
      [submissionId],
    );
    expect(run.rows).toEqual([{ status: 'success', checkpoint }]);

    const unknown = await runCli(['stream', 'start', '--job', 'gold'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no streaming job "gold"');
  }, 300_000);
});
