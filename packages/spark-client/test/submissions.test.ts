import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import type { DriverState } from '@datapark/spark-client';
import {
  restAuthorization,
  SparkAuthenticationError,
  SparkJobFailedError,
  SparkProtocolVersionError,
  SparkRestClient,
  SparkRestDisabledError,
  SparkUnreachableError,
  SubmissionNotFoundError,
  SubmissionRejectedError,
} from '@datapark/spark-client';
import { RestServer } from '../src/rest-server.js';
import { config, history, job, spark } from './fixtures.js';

describe('the REST submission server', () => {
  it('is ready and reports its Spark version', async () => {
    await expect(spark.readyz()).resolves.toBe(true);
    const master = await spark.masterJson();
    expect(master.status).toBe('ALIVE');
    expect(master.workers.filter((w) => w.state === 'ALIVE')).toHaveLength(2);
  });

  it('runs a PySpark script to FINISHED, reporting each state, and the history server lists it with its jobs', async () => {
    const out = join(tmpdir(), `spark-count-${randomUUID()}.txt`);
    const name = `count-rows-${randomUUID().slice(0, 8)}`;
    const states: DriverState[] = [];
    const done = await spark.submitAndWait(
      spark.pythonRequest({ file: job('count_rows.py'), name, args: ['1000', out] }),
      {
        timeoutMs: 240_000,
        onProgress: (state) => states.push(state),
      },
    );
    expect(done.driverState).toBe('FINISHED');
    expect(states[0]).toBe('SUBMITTED');
    expect(states.at(-1)).toBe('FINISHED');
    expect(readFileSync(out, 'utf8')).toBe(String((999 * 1000) / 2));
    // The worker started the driver JVM with C1 only (DRIVER_JAVA_OPTIONS, issue 16).
    const launch = (await spark.master.driverOutput(done.submissionId, 4_000_000))?.stderr ?? '';
    expect(launch).toMatch(/Launch Command: .*"-XX:TieredStopAtLevel=1"/);
    // With the request's 512m heap (DRIVER_MEMORY), not the REST server's 1024 MiB default.
    expect(launch).toMatch(/Launch Command: .*"-Xmx512M"/);

    // The history server picks the event log up within a few seconds.
    let app;
    for (let i = 0; i < 60 && !app; i++) {
      app = (await history.applications({ limit: 50 })).find(
        (a) => a.name === name && a.attempts[0]?.completed,
      );
      if (!app) await sleep(1000);
    }
    expect(app?.attempts[0]?.completed).toBe(true);
    const jobs = await history.jobs(app!.id);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((j) => j.status === 'SUCCEEDED')).toBe(true);
    expect((await history.executors(app!.id)).length).toBeGreaterThan(0);
  }, 300_000);

  it("surfaces a failing job's Python error", async () => {
    const attempt = spark.submitAndWait(
      spark.pythonRequest({ file: job('fail.py'), name: 'fails-on-purpose' }),
      { timeoutMs: 240_000 },
    );
    const error = (await attempt.catch((e: unknown) => e)) as SparkJobFailedError;
    expect(error).toBeInstanceOf(SparkJobFailedError);
    expect(['FAILED', 'ERROR']).toContain(error.driverState);
    expect(error.driverLog).toMatch(/ValueError: datapark-test: the job failed on purpose/);
    expect(error.message).toMatch(/Traceback/);
  }, 300_000);

  it('runs a SQL file, and surfaces the analysis error of a bad one', async () => {
    const done = await spark.submitAndWait(
      spark.sqlRequest({ sqlFile: job('ok.sql'), name: 'sql-ok' }),
      { timeoutMs: 240_000 },
    );
    expect(done.driverState).toBe('FINISHED');
    const failed = (await spark
      .submitAndWait(spark.sqlRequest({ sqlFile: job('bad.sql'), name: 'sql-bad' }), {
        timeoutMs: 240_000,
      })
      .catch((e: unknown) => e)) as SparkJobFailedError;
    expect(failed).toBeInstanceOf(SparkJobFailedError);
    expect(failed.driverLog).toMatch(/no_such_column/);
  }, 600_000);

  it('kills a running driver: KILLED', async () => {
    const id = await spark.create(
      spark.pythonRequest({ file: job('sleep.py'), name: 'sleeps-until-killed' }),
    );
    for (let i = 0; i < 120; i++) {
      if ((await spark.status(id)).driverState === 'RUNNING') break;
      await sleep(500);
    }
    expect((await spark.kill(id)).success).toBe(true);
    const waited = await spark.waitFor(id, { timeoutMs: 120_000 }).catch((e: unknown) => e);
    expect(waited).toBeInstanceOf(SparkJobFailedError);
    expect((waited as SparkJobFailedError).driverState).toBe('KILLED');
  }, 300_000);
});

describe('typed errors', () => {
  it('reports an unknown submission id as not found', async () => {
    await expect(spark.status('driver-20000101000000-9999')).rejects.toBeInstanceOf(
      SubmissionNotFoundError,
    );
    await expect(spark.kill('driver-20000101000000-9999')).rejects.toBeInstanceOf(
      SubmissionNotFoundError,
    );
  });

  it('refuses a request without spark.app.name or with a bad memory value before sending it', async () => {
    const request = spark.pythonRequest({
      file: job('count_rows.py'),
      name: 'x',
      conf: { 'spark.executor.memory': 'lots' },
    });
    await expect(spark.create(request)).rejects.toThrow(
      /spark\.executor\.memory="lots" is not a size/,
    );
    const noName = {
      ...request,
      sparkProperties: {
        ...request.sparkProperties,
        'spark.app.name': ' ',
        'spark.executor.memory': '1g',
      },
    };
    await expect(spark.create(noName)).rejects.toBeInstanceOf(SubmissionRejectedError);
  });

  it("passes on the server's refusal of a malformed request", async () => {
    // Without appResource, Spark's own validation of CreateSubmissionRequest fails.
    const { appResource: _dropped, ...request } = spark.pythonRequest({
      file: job('count_rows.py'),
      name: 'malformed',
    });
    await expect(spark.create(request as never)).rejects.toThrow(
      /refused \/v1\/submissions\/create: Malformed request/,
    );
  });

  it('names the highest protocol version the server speaks', async () => {
    // No public call names another protocol version: ask the server directly, then through the
    // client's own REST caller.
    const response = await fetch(new URL('/v9/submissions/status/x', config.spark.restUrl), {
      headers: { Authorization: restAuthorization(config.spark.restSecret!) },
    });
    expect(
      ((await response.json()) as { highestProtocolVersion: string }).highestProtocolVersion,
    ).toBe('v1');
    const server = new RestServer(spark.options, config.spark.restSecret);
    const error = await server.call('/v9/submissions/status/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SparkProtocolVersionError);
    expect((error as SparkProtocolVersionError).highestProtocolVersion).toBe('v1');
  });

  it('refuses a request that is not signed with its key: nobody who merely reaches the port can run code', async () => {
    const request = spark.pythonRequest({ file: job('count_rows.py'), name: 'unsigned' });
    const before = (await spark.masterJson()).activedrivers.length;
    // Unsigned, as curl or another tool would send it.
    const raw = await fetch(new URL('/v1/submissions/create', config.spark.restUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(raw.status).toBe(403);
    const unsigned = new SparkRestClient({ ...spark.options, maxRetries: 0 });
    const refused = await unsigned.create(request).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SparkAuthenticationError);
    expect((refused as Error).message).toMatch(
      /requires signed requests and this client has no key/,
    );
    const wrongKey = new SparkRestClient({
      ...spark.options,
      restSecret: Buffer.alloc(32, 7).toString('base64url'),
    });
    await expect(wrongKey.readyz()).rejects.toThrow(
      /its key is not the one this client signs with/,
    );
    expect((await spark.masterJson()).activedrivers.length).toBe(before);
    // The signed client works, and never shows its key when inspected or logged.
    await expect(spark.readyz()).resolves.toBe(true);
    expect(inspect(spark, { depth: 10 })).not.toContain(config.spark.restSecret!);
    expect(JSON.stringify(spark)).not.toContain(config.spark.restSecret!);
  });

  it('tells a disabled REST server from a master that is down', async () => {
    const closedPort = 'http://127.0.0.1:1';
    const restOff = new SparkRestClient({ ...spark.options, restUrl: closedPort, maxRetries: 0 });
    await expect(restOff.status('driver-x')).rejects.toBeInstanceOf(SparkRestDisabledError);
    const allDown = new SparkRestClient({
      ...spark.options,
      restUrl: closedPort,
      uiUrl: closedPort,
      maxRetries: 0,
    });
    await expect(allDown.status('driver-x')).rejects.toBeInstanceOf(SparkUnreachableError);
  });

  it('never retries a create', async () => {
    // A server that fails every request with 503 and counts them.
    const { createServer } = await import('node:http');
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res
        .writeHead(503, { 'Content-Type': 'application/json' })
        .end('{"action":"ErrorResponse","message":"busy","serverSparkVersion":"4.1.1"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const flaky = new SparkRestClient({
        ...spark.options,
        restUrl: `http://127.0.0.1:${port}`,
        maxRetries: 2,
      });
      await expect(
        flaky.create(spark.pythonRequest({ file: job('count_rows.py'), name: 'once' })),
      ).rejects.toBeInstanceOf(SubmissionRejectedError);
      expect(hits).toBe(1);
      hits = 0;
      await expect(flaky.status('driver-x')).rejects.toBeInstanceOf(SubmissionRejectedError);
      expect(hits).toBe(3);
    } finally {
      server.close();
    }
  }, 30_000);
});

it('keeps test jobs beside the tests', () => {
  expect(existsSync(job('count_rows.py'))).toBe(true);
});
