// What an error tells, and what it never shows: a server that echoes the request's
// Authorization header back (in its body and in a header) must not get the credential into any
// rendering of the error a log, a debugger or an error reporter would make.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import {
  HttpConnectionError,
  HttpError,
  HttpStatusError,
  HttpTimeoutError,
  httpRequest,
} from '@datapark/http';
import { json, localServer } from './local-server.js';

/** Everything a person or a tool could see of an error. */
function everyRendering(error: unknown): string {
  return [
    String(error),
    (error as Error).stack ?? '',
    inspect(error, { depth: Infinity, showHidden: true }),
    JSON.stringify(error) ?? '',
  ].join('\n');
}

describe('an error status', () => {
  it('carries the status, the request and an excerpt of the body, and never the Authorization header', async () => {
    const token = `tok-${randomUUID()}`;
    const server = await localServer((req, res) =>
      json(
        res,
        401,
        { detail: `token rejected: ${req.headers.authorization}`, padding: 'x'.repeat(5000) },
        { 'x-echo': req.headers.authorization!, 'set-cookie': `session=${token}` },
      ),
    );
    try {
      const error = (await httpRequest({
        method: 'GET',
        url: `${server.url}/api/things?limit=1`,
        authorization: () => `Bearer ${token}`,
      }).catch((e: unknown) => e)) as HttpStatusError;
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(error).toBeInstanceOf(HttpError);
      expect(error.status).toBe(401);
      expect(error.request.method).toBe('GET');
      expect(error.request.url).toBe(`${server.url}/api/things?limit=1`);
      // The token went out, and the server echoed it...
      expect(server.seen[0]!.authorization).toBe(`Bearer ${token}`);
      // ...but the error shows the body with the credential redacted, cut to an excerpt.
      expect(error.body).toMatch(/^\{"detail":"token rejected: \[redacted\]"/);
      expect(error.body!.length).toBeLessThanOrEqual(2001);
      expect(error.message).toBe('401 from GET /api/things: ' + error.body!.slice(0, 200));
      expect(error.request.headers?.['authorization']).toBe('[redacted]');
      expect(error.headers['x-echo']).toBe('[redacted]');
      expect(error.headers['set-cookie']).toBe('[redacted]');
      expect(everyRendering(error)).not.toContain(token);
    } finally {
      await server.close();
    }
  });

  it('keeps out the other secrets a request names (a password in the body a server echoes)', async () => {
    const password = `pw-${randomUUID()}`;
    const server = await localServer((req, res) =>
      json(res, 422, { detail: [{ msg: 'invalid', input: JSON.parse('{}') }], echo: password }),
    );
    try {
      const error = await httpRequest({
        method: 'POST',
        url: server.url,
        body: { username: 'admin', password },
        secrets: [password],
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(everyRendering(error)).not.toContain(password);
      expect((error as HttpStatusError).json).toMatchObject({ echo: '[redacted]' });
    } finally {
      await server.close();
    }
  });

  it('returns the statuses its caller reads itself, after the retries they get', async () => {
    const server = await localServer((_req, res, n) =>
      n === 1
        ? json(res, 503, { action: 'ErrorResponse' }, { 'retry-after': '0' })
        : json(res, 404, { action: 'ErrorResponse', message: 'no such driver' }),
    );
    try {
      const response = await httpRequest({
        method: 'GET',
        url: server.url,
        acceptStatus: () => true,
      });
      expect(response.status).toBe(404);
      expect(response.json).toEqual({ action: 'ErrorResponse', message: 'no such driver' });
      expect(server.seen).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('follows a redirect, and never takes the Authorization header to another origin', async () => {
    const elsewhere = await localServer((_req, res) => json(res, 200, { elsewhere: true }));
    const server = await localServer((req, res) => {
      if (req.url === '/log') res.writeHead(302, { location: '/log/' }).end();
      else if (req.url === '/log/') json(res, 200, { here: true });
      else res.writeHead(307, { location: `${elsewhere.url}/away` }).end();
    });
    try {
      const authorization = () => 'Bearer a-token-for-this-server-only';
      const here = await httpRequest({ method: 'GET', url: `${server.url}/log`, authorization });
      expect(here.json).toEqual({ here: true });
      expect(server.seen.map((s) => [s.url, s.authorization])).toEqual([
        ['/log', 'Bearer a-token-for-this-server-only'],
        ['/log/', 'Bearer a-token-for-this-server-only'],
      ]);
      const away = await httpRequest({ method: 'GET', url: `${server.url}/x`, authorization });
      expect(away.json).toEqual({ elsewhere: true });
      expect(elsewhere.seen.map((s) => [s.url, s.authorization])).toEqual([['/away', undefined]]);
    } finally {
      await server.close();
      await elsewhere.close();
    }
  });
});

describe('no answer', () => {
  it('a timeout: the request as it went, its credential redacted, and a cause with nothing of the request', async () => {
    const token = `tok-${randomUUID()}`;
    const server = await localServer(() => undefined);
    try {
      const error = (await httpRequest({
        method: 'GET',
        url: server.url,
        authorization: () => `Bearer ${token}`,
        timeoutMs: 200,
        maxRetries: 0,
      }).catch((e: unknown) => e)) as HttpTimeoutError;
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect(error.status).toBeUndefined();
      expect(error.code).toBe('ETIMEDOUT');
      expect(error.request.headers?.['authorization']).toBe('[redacted]');
      expect(error.cause).toBeInstanceOf(Error);
      expect(everyRendering(error)).not.toContain(token);
    } finally {
      await server.close();
    }
  });

  it('a refused connection, with its code', async () => {
    const probe = await localServer(() => undefined);
    await probe.close();
    const error = (await httpRequest({ method: 'GET', url: probe.url, maxRetries: 0 }).catch(
      (e: unknown) => e,
    )) as HttpConnectionError;
    expect(error).toBeInstanceOf(HttpConnectionError);
    expect(error.code).toBe('ECONNREFUSED');
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('refuses a URL with a user name or password before sending, without showing them', async () => {
    const url = new URL('http://127.0.0.1:9/');
    url.username = 'admin';
    url.password = `pw-${randomUUID()}`;
    const error = (await httpRequest({ method: 'GET', url }).catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.code).toBe('ERR_URL_CREDENTIALS');
    expect(everyRendering(error)).not.toContain(url.password);
  });
});
