import type { DataparkConfig } from '@datapark/config';
import { DEFAULT_MAX_RETRIES, isSafeToRepeat, pause, retryDelayMs } from '@datapark/http';
import { LessonError } from './lesson-error.js';

/** An answer of Superset's REST API: its status and its JSON body (`{}` when it had none). */
export interface SupersetAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A logged-in session of Superset's REST API (`/api/v1/…`), as the platform's admin. */
export interface SupersetApi {
  request(method: string, path: string, body?: unknown): Promise<SupersetAnswer>;
}

/** A value as rison writes it in a `q=` parameter: a string quoted, `!` and `'` escaped. */
export const risonString = (value: string) => `'${value.replace(/[!']/g, (c) => `!${c}`)}'`;

/** `?q=` of a list endpoint: the rows whose `col` equals `value`. */
export const equalsFilter = (col: string, value: string) =>
  `?q=${encodeURIComponent(`(filters:!((col:${col},opr:eq,value:${risonString(value)})),page_size:100)`)}`;

/**
 * `fetch`, sent again with the SDKs' backoff when the connection fails before an answer and the
 * request is safe to repeat. Superset's gunicorn closes an idle keep-alive connection after 2 s,
 * and a request that leaves on it as it closes fails with "other side closed" (the fresh CI saw
 * it once, with the Streaming dashboard refreshing beside the lesson's checker).
 */
async function fetchRepeatable(
  url: URL,
  init: RequestInit & { method: string },
  safe = isSafeToRepeat(init.method),
): Promise<Response> {
  for (let retries = 0; ; retries++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      // fetch's network failure is a TypeError (by name: another realm's under Jest's VM).
      const dropped = (error as Error | undefined)?.name === 'TypeError' && !init.signal?.aborted;
      if (!safe || !dropped || retries >= DEFAULT_MAX_RETRIES) throw error;
      await pause(retryDelayMs(retries));
    }
  }
}

/**
 * Logs in (`/api/v1/security/login`, the JWT), and takes a CSRF token with its session cookie
 * (`/api/v1/security/csrf_token/`): Superset refuses a POST, PUT or DELETE without them.
 */
export async function supersetLogin(config: DataparkConfig): Promise<SupersetApi> {
  const { url, username, password } = config.superset;
  if (!password)
    throw new LessonError('no superset.password in the endpoints file', {
      code: 'SUPERSET_NOT_PROVISIONED',
      hint: 'is Superset up? `datapark status` shows it; `datapark start superset` starts it',
    });
  let login: Response;
  try {
    // A login changes nothing on the server: safe to send again.
    login = await fetchRepeatable(
      new URL('/api/v1/security/login', url),
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password, provider: 'db' }),
        signal: AbortSignal.timeout(30_000),
      },
      true,
    );
  } catch (error) {
    throw new LessonError(`Superset at ${url} did not answer: ${String(error)}`, {
      code: 'SUPERSET_UNREACHABLE',
      hint: 'is Superset up? `datapark status` shows it; `datapark start superset` starts it',
      cause: error,
    });
  }
  if (!login.ok)
    throw new LessonError(`Superset at ${url} refused the platform's login (${login.status})`, {
      code: 'SUPERSET_UNAUTHORIZED',
      hint: 'superset.password in .datapark/endpoints.json is the one `up` generated: was the state directory replaced?',
    });
  const token = ((await login.json()) as { access_token: string }).access_token;
  const csrf = await fetchRepeatable(new URL('/api/v1/security/csrf_token/', url), {
    method: 'GET',
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  const csrfToken = ((await csrf.json()) as { result?: string }).result ?? '';
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return {
    async request(method, path, body) {
      const response = await fetchRepeatable(new URL(path, url), {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          'X-CSRFToken': csrfToken,
          Referer: url,
          ...(cookie ? { Cookie: cookie } : {}),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(120_000),
      });
      const text = await response.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { message: text.slice(0, 500) };
      }
      return { status: response.status, body: parsed };
    },
  };
}
