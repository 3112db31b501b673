/** Renew this long before the token's `exp`, so a call never leaves with a token about to lapse. */
const RENEW_BEFORE_MS = 60_000;

/**
 * The bearer token of the api-server: fetched on first use (`POST /auth/token` with the user
 * name and password), kept until shortly before its `exp`, fetched again after a 401. Concurrent
 * callers share one fetch.
 */
export class TokenSource {
  // ECMAScript private fields: util.inspect and JSON.stringify never show the token.
  #token: string | undefined;
  #expiresAt = 0;
  #pending: Promise<string> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token valid for at least another minute (when its `exp` says when it lapses). */
  async get(): Promise<string> {
    if (this.#token && this.now() < this.#expiresAt - RENEW_BEFORE_MS) return this.#token;
    this.#pending ??= this.fetchToken()
      .then((token) => {
        this.#token = token;
        this.#expiresAt = jwtExpiry(token) ?? Number.POSITIVE_INFINITY;
        return token;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  /** Forgets the token (after a 401), so the next {@link get} fetches a new one. */
  invalidate(token?: string): void {
    if (token === undefined || token === this.#token) {
      this.#token = undefined;
      this.#expiresAt = 0;
    }
  }
}

/** The `exp` claim of a JWT, in ms since the epoch; undefined when it has none or is no JWT. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    // atob rather than Buffer: the same code runs in Deno notebooks.
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64)) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
