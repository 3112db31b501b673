// The retry policy against a real HTTP server on 127.0.0.1: what is repeated, when, and what
// stops it. Every assertion counts the requests the server saw or the time between them.
import {
  HttpAbortError,
  HttpConnectionError,
  HttpStatusError,
  HttpTimeoutError,
  httpRequest,
} from '@datapark/http';
import { json, localServer } from './local-server.js';

describe('what is repeated', () => {
  it('never repeats a plain POST after a 503', async () => {
    const server = await localServer((_req, res) => json(res, 503, { detail: 'busy' }));
    try {
      const error = await httpRequest({
        method: 'POST',
        url: `${server.url}/jobs`,
        body: { name: 'once' },
        maxRetries: 2,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpStatusError);
      expect((error as HttpStatusError).status).toBe(503);
      expect(server.seen.map((s) => s.method)).toEqual(['POST']);
    } finally {
      await server.close();
    }
  });

  it('repeats a POST its caller marked idempotent, up to maxRetries, then returns the answer', async () => {
    const server = await localServer((_req, res, n) =>
      n < 3 ? json(res, 503, { detail: 'busy' }) : json(res, 200, { killed: true }),
    );
    try {
      const response = await httpRequest({
        method: 'POST',
        url: `${server.url}/kill/1`,
        idempotent: true,
      });
      expect(response.json).toEqual({ killed: true });
      expect(server.seen).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('never repeats a POST whose connection was reset after it was sent', async () => {
    const server = await localServer((req) => req.socket.destroy());
    try {
      const error = await httpRequest({ method: 'POST', url: server.url, body: {} }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HttpConnectionError);
      expect((error as HttpConnectionError).code).toBe('ECONNRESET');
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('repeats a GET on 503 and on 429, waiting what Retry-After asks each time', async () => {
    const server = await localServer((_req, res, n) => {
      if (n === 1) json(res, 503, { detail: 'starting' }, { 'retry-after': '1' });
      else if (n === 2) json(res, 429, { detail: 'slow down' }, { 'retry-after': '1' });
      else json(res, 200, { ok: true });
    });
    try {
      const response = await httpRequest({ method: 'GET', url: server.url });
      expect(response.json).toEqual({ ok: true });
      expect(server.seen).toHaveLength(3);
      // Lower bounds: the client may not come back before the server asked it to. Without
      // Retry-After the first two waits would be 375–500 ms and 750–1000 ms.
      expect(server.seen[1]!.at - server.seen[0]!.at).toBeGreaterThanOrEqual(990);
      expect(server.seen[2]!.at - server.seen[1]!.at).toBeGreaterThanOrEqual(990);
    } finally {
      await server.close();
    }
  });

  it('reads Retry-After as an HTTP date too, and ignores one beyond 60 s for its own backoff', async () => {
    const server = await localServer((_req, res, n) => {
      // HTTP dates have whole seconds: two seconds ahead is at least one second's wait.
      if (n === 1) json(res, 503, {}, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
      else if (n === 2) json(res, 503, {}, { 'retry-after': '120' });
      else json(res, 200, {});
    });
    try {
      await httpRequest({ method: 'GET', url: server.url });
      const [first, second, third] = server.seen.map((s) => s.at);
      expect(second! - first!).toBeGreaterThanOrEqual(900);
      // 120 s is past the cap: the second backoff step (0.75–1 s) instead.
      expect(third! - second!).toBeGreaterThanOrEqual(700);
      expect(third! - second!).toBeLessThan(5000);
    } finally {
      await server.close();
    }
  }, 20_000);

  it('gives up after maxRetries with the last answer as an HttpStatusError', async () => {
    const server = await localServer((_req, res) =>
      json(res, 500, { detail: 'down' }, { 'retry-after': '0' }),
    );
    try {
      const error = await httpRequest({ method: 'GET', url: server.url, maxRetries: 1 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(server.seen).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('repeats even a POST whose connection was refused: nothing was sent', async () => {
    // A free port, closed during the first attempt and opened before the first retry.
    const probe = await localServer(() => undefined);
    const url = probe.url;
    await probe.close();
    const port = Number(new URL(url).port);
    const attempt = httpRequest({ method: 'POST', url, body: { n: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { createServer } = await import('node:http');
    const posts: string[] = [];
    const late = createServer((req, res) => {
      posts.push(req.method!);
      json(res, 201, { created: true });
    });
    await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));
    try {
      await expect(attempt).resolves.toMatchObject({ status: 201 });
      expect(posts).toEqual(['POST']);
    } finally {
      late.closeAllConnections();
      await new Promise((resolve) => late.close(resolve));
    }
  });

  it('signs every attempt afresh: the Authorization header is made again for each retry', async () => {
    const server = await localServer((_req, res, n) =>
      n < 3 ? json(res, 503, {}, { 'retry-after': '0' }) : json(res, 200, {}),
    );
    try {
      let made = 0;
      await httpRequest({
        method: 'GET',
        url: server.url,
        authorization: () => `Bearer token-number-${++made}`,
      });
      expect(server.seen.map((s) => s.authorization)).toEqual([
        'Bearer token-number-1',
        'Bearer token-number-2',
        'Bearer token-number-3',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('what stops it', () => {
  it('rejects at once when the AbortSignal fires during a backoff, without another attempt', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const server = await localServer((_req, res) => {
      // The server asks for 5 s; the caller gives up 200 ms into the wait.
      json(res, 503, { detail: 'busy' }, { 'retry-after': '5' });
      setTimeout(() => {
        abortedAt = Date.now();
        controller.abort(new Error('the caller gave up'));
      }, 200);
    });
    try {
      const error = await httpRequest({
        method: 'GET',
        url: server.url,
        signal: controller.signal,
      }).catch((e: unknown) => e);
      const rejectedAfterAbortMs = Date.now() - abortedAt;
      expect(error).toBeInstanceOf(HttpAbortError);
      expect((error as HttpAbortError).cause).toBe(controller.signal.reason);
      expect(abortedAt).toBeGreaterThan(0);
      // Well before the 5 s the backoff would have lasted.
      expect(rejectedAfterAbortMs).toBeLessThan(500);
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 20_000);

  it('rejects at once when the AbortSignal fires while waiting for an answer', async () => {
    const server = await localServer(() => undefined);
    try {
      const started = Date.now();
      const error = await httpRequest({
        method: 'GET',
        url: server.url,
        signal: AbortSignal.timeout(200),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpAbortError);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('times out an attempt that gets no answer, and retries it when safe', async () => {
    const server = await localServer(() => undefined);
    try {
      const error = await httpRequest({
        method: 'GET',
        url: server.url,
        timeoutMs: 200,
        maxRetries: 1,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect((error as HttpTimeoutError).timeoutMs).toBe(200);
      expect(server.seen).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
