import { connect } from 'node:net';
import { EtlError } from '../etl-error.js';

/** A platform component the command needs does not answer: which one, where, and the fix. */
export class ComponentUnreachableError extends EtlError {
  override readonly name = 'ComponentUnreachableError';

  constructor(
    /** As a user names it: `Kafka`, `PostgreSQL`, `the Spark REST server`. */
    readonly component: string,
    /** host:port (or URL) that did not answer. */
    readonly address: string,
    /** The command that starts it, or what to unset when an override points elsewhere. */
    readonly fix: string,
    options?: {
      cause?: unknown;
      /**
       * Why the address is not the platform's: `set by DATAPARK_POSTGRES_PORT; the platform's
       * PostgreSQL is at 127.0.0.1:15432` (see endpointOrigin in @datapark/config).
       */
      override?: string | undefined;
    },
  ) {
    const where = options?.override ? `${address} (${options.override})` : address;
    super(
      options?.override
        ? `${component} is not reachable at ${where}: ${fix}`
        : `${component} is not reachable at ${where}: start it with \`${fix}\``,
      { code: 'COMPONENT_UNREACHABLE', hint: fix, cause: options?.cause },
    );
  }
}

/** Error codes of a connection that could not be made or was cut: the peer is not there. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

/** Whether `error` (or one of its causes) says the peer could not be reached. */
export function isConnectionError(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown; errors?: unknown[] } | undefined; e;) {
    if (e.code && CONNECTION_CODES.has(e.code)) return true;
    // net.connect to a host with several addresses fails with an AggregateError.
    if (Array.isArray(e.errors) && e.errors.some(isConnectionError)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Resolves when something accepts a TCP connection at host:port within `timeoutMs`. */
export function probeTcp(hostPort: string, timeoutMs = 3000): Promise<boolean> {
  const at = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, at);
  const port = Number(hostPort.slice(at + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** host:port of an http(s) URL, with the scheme's default port. */
export function hostPortOf(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return `${parsed.hostname}:${port}`;
}
