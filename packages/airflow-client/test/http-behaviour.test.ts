// Our HTTP behaviour (retries, backoff, Retry-After, token renewal, timeouts, error mapping)
// against a local node:http server that answers what each rule needs. This tests the client's
// own code; Airflow itself is tested in the other files.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { HttpError } from '@datapark/http';
import {
  AirflowClient,
  AirflowClientError,
  AuthenticationError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  RequestAbortedError,
  TimeoutError,
  UnprocessableEntityError,
  jwtExpiry,
  retryDelayMs,
} from '@datapark/airflow-client';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly at: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A server on a free port; `seen` records each request to the API (token requests apart). */
async function serve(api: Handler, tokenFor: (n: number) => string = () => jwt(3600)) {
  const seen: Seen[] = [];
  const tokens: number[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url === '/auth/token') {
      tokens.push(Date.now());
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: tokenFor(tokens.length) }));
      return;
    }
    seen.push({
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
      at: Date.now(),
    });
    req.resume();
    req.on('end', () => api(req, res, seen.length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const client = new AirflowClient({
    baseUrl: `http://127.0.0.1:${port}`,
    username: 'u',
    password: 'p',
    timeoutMs: 5000,
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { client, seen, tokens, close, port };
}

/** An unsigned JWT that lapses in `seconds` (the client only reads `exp`). */
function jwt(seconds: number, id = Math.random()): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'u', id, exp: Math.floor(Date.now() / 1000) + seconds })}.x`;
}

function json(res: ServerResponse, status: number, body: unknown, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const VERSION = { version: '3.3.2', git_version: null };

describe('the retry schedule', () => {
  it('waits 0.5 s doubling to 8 s, minus at most 25% jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, {}, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(retryDelayMs(0, {}, () => 0.999_999)).toBeCloseTo(375, 0);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelayMs(1);
      expect(delay).toBeGreaterThan(750 - 1e-9);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('honours Retry-After (seconds, HTTP date, retry-after-ms) under 60 s, and ignores it above', () => {
    expect(retryDelayMs(0, { 'retry-after': '3' })).toBe(3000);
    expect(retryDelayMs(0, { 'retry-after-ms': '1500' })).toBe(1500);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryDelayMs(0, { 'retry-after': inTenSeconds })).toBeGreaterThan(8000);
    expect(retryDelayMs(0, { 'retry-after': '120' }, () => 0)).toBe(500);
    expect(retryDelayMs(2, { 'retry-after': 'soon' }, () => 0)).toBe(2000);
  });
});

describe('retries against a local server', () => {
  it('retries a GET twice on 503 by default, then returns the answer', async () => {
    const { client, seen, close } = await serve((_req, res, n) =>
      n <= 2 ? json(res, 503, { detail: 'starting' }) : json(res, 200, VERSION),
    );
    try {
      await expect(client.version.get()).resolves.toEqual(VERSION);
      expect(seen).toHaveLength(3);
    } finally {
      await close();
    }
  });

  it('gives up after the default 2 retries with an InternalServerError carrying status, detail and request', async () => {
    const { client, seen, close } = await serve((_req, res) =>
      json(res, 500, { detail: 'metadata database unreachable' }),
    );
    try {
      const error = (await client.variables
        .get('x')
        .catch((e: unknown) => e)) as InternalServerError;
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error.status).toBe(500);
      expect(error.detail).toBe('metadata database unreachable');
      expect(error.request.method).toBe('GET');
      expect(new URL(error.request.url).pathname).toBe('/api/v2/variables/x');
      expect(seen).toHaveLength(3);
    } finally {
      await close();
    }
  });

  it('honours Retry-After on a 429', async () => {
    const { client, seen, close } = await serve((_req, res, n) =>
      n === 1
        ? json(res, 429, { detail: 'slow down' }, { 'retry-after': '1' })
        : json(res, 200, VERSION),
    );
    try {
      await client.version.get();
      expect(seen).toHaveLength(2);
      // A lower bound: the client may not come back before the server asked it to.
      expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(990);
    } finally {
      await close();
    }
  });

  it('surfaces a 429 as RateLimitError once the retries are spent', async () => {
    const { client, seen, close } = await serve((_req, res) =>
      json(res, 429, { detail: 'slow down' }, { 'retry-after': '0' }),
    );
    try {
      await expect(client.version.get({ maxRetries: 1 })).rejects.toBeInstanceOf(RateLimitError);
      expect(seen).toHaveLength(2);
    } finally {
      await close();
    }
  });

  it('never retries a POST that reached the server, on 503 or on a reset connection', async () => {
    const { client, seen, close } = await serve((req, res, n) => {
      if (n === 1) json(res, 503, { detail: 'busy' });
      else req.socket.destroy();
    });
    try {
      await expect(client.dagRuns.trigger('some_dag', { conf: { n: 1 } })).rejects.toBeInstanceOf(
        InternalServerError,
      );
      expect(seen).toHaveLength(1);
      const reset = (await client.variables
        .create({ key: 'k', value: 'v' })
        .catch((e: unknown) => e)) as ConnectionError;
      expect(reset).toBeInstanceOf(ConnectionError);
      expect(reset.code).toBe('ECONNRESET');
      expect(seen).toHaveLength(2);
    } finally {
      await close();
    }
  });

  it('retries a GET whose connection was reset', async () => {
    const { client, seen, close } = await serve((req, res, n) =>
      n === 1 ? req.socket.destroy() : json(res, 200, VERSION),
    );
    try {
      await expect(client.version.get()).resolves.toEqual(VERSION);
      expect(seen).toHaveLength(2);
    } finally {
      await close();
    }
  });

  it('retries even a POST when the connection was refused (it never reached a server)', async () => {
    // Find a free port, leave it closed, and open it only after the first attempt failed.
    const probe = await serve((_req, res) => json(res, 200, {}));
    const port = probe.port;
    await probe.close();
    const client = new AirflowClient({ baseUrl: `http://127.0.0.1:${port}`, token: jwt(3600) });
    const posts: string[] = [];
    const late = createServer((req, res) => {
      posts.push(req.method!);
      json(res, 201, { key: 'k', value: 'v', description: null, is_encrypted: false });
    });
    const attempt = client.variables.create({ key: 'k', value: 'v' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));
    try {
      await expect(attempt).resolves.toMatchObject({ key: 'k' });
      expect(posts).toEqual(['POST']);
    } finally {
      late.closeAllConnections();
      await new Promise((resolve) => late.close(resolve));
    }
  });
});

describe('the token', () => {
  it('is fetched once, sent as a bearer token, and renewed once after a 401', async () => {
    let accepted = '';
    const { client, seen, tokens, close } = await serve((req, res) => {
      if (!accepted) accepted = req.headers.authorization!;
      if (req.headers.authorization === accepted && tokens.length === 1) json(res, 200, VERSION);
      else if (tokens.length === 1) json(res, 401, { detail: 'Invalid JWT' });
      else json(res, 200, VERSION);
    });
    try {
      await client.version.get();
      await client.version.get();
      expect(tokens).toHaveLength(1);
      expect(seen[0]!.authorization).toMatch(/^Bearer .+\..+\..+$/);
      // The server stops accepting the token (say its key changed): one new token, one retry.
      accepted = 'none';
      await expect(client.version.get()).resolves.toEqual(VERSION);
      expect(tokens).toHaveLength(2);
      expect(seen.at(-1)!.authorization).not.toBe(seen[0]!.authorization);
    } finally {
      await close();
    }
  });

  it('renews at most once per call: a 401 that persists is an AuthenticationError', async () => {
    const { client, seen, tokens, close } = await serve((_req, res) =>
      json(res, 401, { detail: 'Invalid JWT' }),
    );
    try {
      const error = (await client.dags.get('d').catch((e: unknown) => e)) as AuthenticationError;
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.status).toBe(401);
      expect(tokens).toHaveLength(2);
      expect(seen).toHaveLength(2);
    } finally {
      await close();
    }
  });

  it('is renewed before it expires', async () => {
    // A token that lapses within the renewal margin (60 s) is replaced before each use.
    const { client, tokens, close } = await serve(
      (_req, res) => json(res, 200, VERSION),
      () => jwt(30),
    );
    try {
      await client.version.get();
      await client.version.get();
      expect(tokens).toHaveLength(2);
      expect(jwtExpiry(jwt(30))).toBeGreaterThan(Date.now());
    } finally {
      await close();
    }
  });
});

describe('timeouts, aborts and error mapping', () => {
  it('times out an attempt that gets no answer, and retries it when safe', async () => {
    const { client, seen, close } = await serve(() => undefined);
    try {
      const error = (await client.version
        .get({ timeoutMs: 200, maxRetries: 1 })
        .catch((e: unknown) => e)) as TimeoutError;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.timeoutMs).toBe(200);
      expect(seen).toHaveLength(2);
    } finally {
      await close();
    }
  });

  it("stops at once, without retrying, when the caller's AbortSignal fires", async () => {
    const { client, seen, close } = await serve(() => undefined);
    try {
      const controller = new AbortController();
      const call = client.version.get({ signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      await expect(call).rejects.toBeInstanceOf(RequestAbortedError);
      expect(seen).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it("maps 404 and 422 to their classes with Airflow's problem detail", async () => {
    const { client, close } = await serve((req, res) =>
      req.url!.startsWith('/api/v2/variables/')
        ? json(res, 404, { detail: 'The Variable with key: `nope` was not found' })
        : json(res, 422, {
            detail: [
              {
                loc: ['body', 'slots'],
                msg: 'Input should be a valid integer',
                type: 'int_parsing',
              },
            ],
          }),
    );
    try {
      const missing = (await client.variables
        .get('nope')
        .catch((e: unknown) => e)) as NotFoundError;
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.message).toBe(
        '404 from GET /api/v2/variables/nope: The Variable with key: `nope` was not found',
      );
      const invalid = (await client.pools
        .create({ name: 'p', slots: 1 })
        .catch((e: unknown) => e)) as UnprocessableEntityError;
      expect(invalid).toBeInstanceOf(UnprocessableEntityError);
      expect(invalid.message).toMatch(/body\.slots: Input should be a valid integer/);
    } finally {
      await close();
    }
  });

  it('builds every error on the HTTP core: an HttpError with the status and the start of the body', async () => {
    const { client, close } = await serve((_req, res) =>
      json(res, 404, { detail: 'The Dag with ID: `d` was not found' }),
    );
    try {
      const error = (await client.dags.get('d').catch((e: unknown) => e)) as NotFoundError;
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toBeInstanceOf(AirflowClientError);
      expect(error).toBeInstanceOf(HttpError);
      expect(error.status).toBe(404);
      expect(error.body).toBe('{"detail":"The Dag with ID: `d` was not found"}');
      expect(error.request.headers?.['authorization']).toBe('[redacted]');
    } finally {
      await close();
    }
  });

  it('never shows the password of the token request, even when the server echoes it back', async () => {
    const password = 'a-password-the-server-echoes';
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () =>
        json(res, 422, {
          detail: [{ loc: ['body'], msg: 'no', type: 'x', input: JSON.parse(body) }],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new AirflowClient({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        username: 'u',
        password,
      });
      const error = (await client.version
        .get()
        .catch((e: unknown) => e)) as UnprocessableEntityError;
      expect(error).toBeInstanceOf(UnprocessableEntityError);
      expect(new URL(error.request.url).pathname).toBe('/auth/token');
      expect(
        `${error.stack}\n${inspect(error, { depth: Infinity })}\n${JSON.stringify(error)}`,
      ).not.toContain(password);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
