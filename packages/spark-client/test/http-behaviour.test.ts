// The client's HTTP behaviour (which calls are repeated, what an error carries, what stops a
// wait) against a local node:http server that answers as the REST server does when it fails.
// The real master is tested in submissions.test.ts.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { HttpError } from '@datapark/http';
import {
  SparkAuthenticationError,
  SparkRestClient,
  SubmissionRejectedError,
} from '@datapark/spark-client';
import { job, spark } from './fixtures.js';

/** A REST server on a free port that answers every request with `answer`, and counts them. */
async function restServer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new SparkRestClient({
    ...spark.options,
    restUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    restSecret: Buffer.alloc(32, 3).toString('base64url'),
    maxRetries: 2,
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { client, seen, close };
}

const busy = (_req: IncomingMessage, res: ServerResponse) =>
  res
    .writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '0' })
    .end('{"action":"ErrorResponse","message":"busy","serverSparkVersion":"4.1.1"}');

describe('which calls are repeated', () => {
  it('repeats a kill (a POST, but idempotent in effect) and never a clear or a create', async () => {
    const { client, seen, close } = await restServer(busy);
    try {
      await expect(client.kill('driver-1')).rejects.toBeInstanceOf(SubmissionRejectedError);
      expect(seen).toEqual(Array(3).fill('POST /v1/submissions/kill/driver-1'));
      seen.length = 0;
      await expect(client.clear()).rejects.toBeInstanceOf(SubmissionRejectedError);
      expect(seen).toEqual(['POST /v1/submissions/clear']);
      seen.length = 0;
      await expect(
        client.create(spark.pythonRequest({ file: job('count_rows.py'), name: 'once' })),
      ).rejects.toBeInstanceOf(SubmissionRejectedError);
      expect(seen).toEqual(['POST /v1/submissions/create']);
    } finally {
      await close();
    }
  });

  it("stops between retries when the caller's signal fires, rejecting with its reason", async () => {
    const { client, seen, close } = await restServer((_req, res) =>
      res
        .writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '5' })
        .end('{"action":"ErrorResponse","message":"busy","serverSparkVersion":"4.1.1"}'),
    );
    try {
      const reason = new Error('the caller gave up');
      const controller = new AbortController();
      setTimeout(() => controller.abort(reason), 300);
      const started = Date.now();
      await expect(client.status('driver-1', controller.signal)).rejects.toBe(reason);
      // The server asked for 5 s between attempts; the caller stopped after 0.3 s.
      expect(Date.now() - started).toBeLessThan(2000);
      expect(seen).toHaveLength(1);
    } finally {
      await close();
    }
  }, 20_000);
});

describe('what an error carries', () => {
  it('the HTTP status, the request and the start of the body, on the HttpError base', async () => {
    const { client, close } = await restServer(busy);
    try {
      const error = (await client.status('driver-1').catch((e: unknown) => e)) as HttpError;
      expect(error).toBeInstanceOf(SubmissionRejectedError);
      expect(error).toBeInstanceOf(HttpError);
      expect(error.status).toBe(503);
      expect(error.request?.method).toBe('GET');
      expect(new URL(error.request!.url).pathname).toBe('/v1/submissions/status/driver-1');
      expect(error.body).toContain('"message":"busy"');
    } finally {
      await close();
    }
  });

  it('never the signed Authorization header, even from a server that echoes it', async () => {
    let sent = '';
    const { client, close } = await restServer((req, res) => {
      sent = req.headers.authorization!;
      res.writeHead(403, { 'Content-Type': 'text/html' }).end(`<p>refused ${sent}</p>`);
    });
    try {
      const error = (await client.readyz().catch((e: unknown) => e)) as SparkAuthenticationError;
      expect(error).toBeInstanceOf(SparkAuthenticationError);
      expect(error.status).toBe(403);
      expect(sent).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      expect(error.serverMessage).toBe('refused [redacted]');
      const token = sent.slice('Bearer '.length);
      const shown = `${String(error)}\n${error.stack}\n${inspect(error, { depth: Infinity })}\n${JSON.stringify(error)}`;
      expect(shown).not.toContain(token);
      expect(inspect(client, { depth: Infinity })).not.toContain(
        Buffer.alloc(32, 3).toString('base64url'),
      );
    } finally {
      await close();
    }
  });
});
