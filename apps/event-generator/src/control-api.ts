import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GeneratorRun } from './generator-run.js';
import { createMetrics } from './metrics.js';
import { GeneratorError } from './generator-error.js';

/** The control API, listening. */
export interface ControlApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The port is taken or not ours to bind: says which and how to choose another. */
export class ControlApiListenError extends GeneratorError {
  override readonly name = 'ControlApiListenError';

  constructor(
    readonly port: number,
    options: { cause: unknown },
  ) {
    const code = (options.cause as { code?: string }).code;
    super(
      `control API: cannot listen on 127.0.0.1:${port} (${code ?? (options.cause as Error).message})` +
        (code === 'EADDRINUSE'
          ? ': is another event generator serving? Choose a port with --http-port or DATAPARK_GENERATOR_PORT.'
          : ''),
      {
        code: 'CONTROL_API_LISTEN',
        hint: 'choose a port with --http-port or DATAPARK_GENERATOR_PORT',
        cause: options.cause,
      },
    );
  }
}

const MAX_BODY_BYTES = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY_BYTES) throw new RangeError(`body over ${MAX_BODY_BYTES} bytes`);
  }
  return text.trim() === '' ? {} : JSON.parse(text);
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Why a request must be refused because a web page, not a program, sent it; undefined if not.
 * A page on another site can make the browser POST here (a form needs no CORS preflight) and,
 * by DNS rebinding, even read the answers. So the Host must name loopback (a rebound name does
 * not) and an Origin, which browsers send with every POST, must be this API's own.
 */
function crossSiteRefusal(req: IncomingMessage, port: number): string | undefined {
  const allowed = LOOPBACK_HOSTS.map((host) => `${host}:${port}`);
  const host = req.headers.host ?? '';
  if (!allowed.includes(host))
    return `Host ${JSON.stringify(host)} is not this loopback API (${allowed[0]}): refused`;
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.some((a) => origin === `http://${a}`))
    return `Origin ${origin} may not call the control API: cross-site requests are refused`;
  return undefined;
}

/**
 * Serves the control API on the loopback interface (port 0: any free port):
 *
 * | method | path | does |
 * |---|---|---|
 * | GET | /status | the run's status (JSON) |
 * | POST | /pause, /resume | pauses or resumes emission |
 * | PUT, POST | /rate | `{"eventsPerSecond": 500}`: a new realtime target |
 * | GET | /metrics | Prometheus text format |
 * | GET | /healthz | 200 while the process serves |
 * | GET | /readyz | 200 when every sink is connected and the run is running or paused, else 503 |
 *
 * Requests from web pages are refused (403): the Host must be loopback and an Origin, if any,
 * this API's own.
 *
 * @example
 * ```ts
 * const api = await serveControlApi(run, 18380);
 * // curl -X PUT localhost:18380/rate -d '{"eventsPerSecond":500}'
 * await api.close();
 * ```
 */
export async function serveControlApi(run: GeneratorRun, port: number): Promise<ControlApi> {
  const registry = createMetrics(run);
  const routes: Record<
    string,
    Partial<Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void> | void>>
  > = {
    '/status': { GET: (_req, res) => send(res, 200, run.status()) },
    '/pause': {
      POST: (_req, res) => {
        run.pause();
        send(res, 200, run.status());
      },
    },
    '/resume': {
      POST: (_req, res) => {
        run.resume();
        send(res, 200, run.status());
      },
    },
    '/rate': {
      PUT: setRate,
      POST: setRate,
    },
    '/metrics': {
      GET: async (_req, res) => {
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      },
    },
    '/healthz': { GET: (_req, res) => send(res, 200, { status: 'ok' }) },
    '/readyz': {
      GET: (_req, res) => {
        const status = run.status();
        const notConnected = status.sinks.filter((s) => !s.connected).map((s) => s.name);
        const ready =
          notConnected.length === 0 && (status.state === 'running' || status.state === 'paused');
        send(res, ready ? 200 : 503, { ready, state: status.state, notConnected });
      },
    },
  };

  async function setRate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      return send(res, 400, { error: `body: expected JSON (${(error as Error).message})` });
    }
    const rate = (body as { eventsPerSecond?: unknown } | null)?.eventsPerSecond;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 1_000_000)
      return send(res, 400, {
        error: `eventsPerSecond: expected a number above 0 and at most 1000000, got ${JSON.stringify(rate)}`,
      });
    if (run.status().mode !== 'realtime')
      return send(res, 409, {
        error:
          'eventsPerSecond: a backfill runs as fast as the sinks take it; rate applies to realtime mode',
      });
    run.setRate(rate);
    send(res, 200, run.status());
  }

  const server: Server = createServer((req, res) => {
    const refused = crossSiteRefusal(req, (server.address() as AddressInfo).port);
    if (refused) return send(res, 403, { error: refused });
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes[path];
    const handler = route?.[req.method ?? 'GET'];
    if (!route) return send(res, 404, { error: `no ${path}`, paths: Object.keys(routes) });
    if (!handler) {
      res.setHeader('allow', Object.keys(route).join(', '));
      return send(res, 405, {
        error: `${req.method} ${path}: use ${Object.keys(route).join(' or ')}`,
      });
    }
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: (error as Error).message });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ControlApiListenError(port, { cause: error })));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
