// Credentials never reach an error: not its message, its `cause`, its fields, nor what
// util.inspect or JSON.stringify make of it. Errors are printed, logged and sent to error
// reporters; a bearer token there is a credential handed to whoever reads the log.

export const REDACTED = '[redacted]';

/** Headers that carry a credential, in a request or a response. */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

/**
 * Shorter values are not searched for in text: replacing every `x` of a body would say nothing
 * about the credential and garble the rest. Generated tokens and passwords are far longer.
 */
const MIN_SECRET_LENGTH = 8;

/** The headers, lower-cased, with every credential header's value replaced by `[redacted]`. */
export function redactHeaders(
  headers: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      const key = name.toLowerCase();
      return [key, CREDENTIAL_HEADERS.has(key) ? REDACTED : value];
    }),
  );
}

/**
 * The strings to keep out of errors for an `Authorization` header value: the whole value and
 * its credential without the scheme (`Bearer eyJ…` → `eyJ…`), which a server may echo alone.
 */
export function credentialsOf(authorization: string | undefined): string[] {
  if (!authorization) return [];
  const credential = authorization.replace(/^\S+\s+/, '');
  return [authorization, credential];
}

/** `text` with every occurrence of each secret replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.replaceAll(secret, REDACTED);
  }
  return out;
}

/** The URL as errors show it: no user name or password, no secret in the query. */
export function displayUrl(url: URL, secrets: readonly string[]): string {
  const shown = new URL(url);
  if (shown.username) shown.username = REDACTED;
  if (shown.password) shown.password = REDACTED;
  return redactSecrets(shown.toString(), secrets);
}

/**
 * A network failure reduced to what says what happened: message, name and the socket error's
 * code, errno, syscall, address and port. fetch rejects with `TypeError: fetch failed` and the
 * socket error beneath as its cause; other clients attach the whole request (headers included)
 * to their errors. Nothing but these primitive fields is copied.
 */
export function networkCause(error: unknown, secrets: readonly string[]): Error {
  const below = (error as { cause?: unknown } | undefined)?.cause ?? error;
  const source = (below ?? {}) as Record<string, unknown>;
  const safe = new Error(redactSecrets(String(source['message'] ?? below), secrets));
  if (typeof source['name'] === 'string') safe.name = source['name'];
  for (const key of ['code', 'errno', 'syscall', 'address', 'port']) {
    const value = source[key];
    if (typeof value === 'string' || typeof value === 'number') {
      Object.assign(safe, { [key]: value });
    }
  }
  return safe;
}
