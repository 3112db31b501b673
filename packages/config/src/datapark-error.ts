export interface DataparkErrorOptions {
  /** Stable and machine-readable: what a program branches on (`KAFKA_CONSUMER_CRASHED`). */
  readonly code: string;
  /** What the user can do about it, as a command or a sentence. */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/**
 * The root of every error Data Park raises on purpose. Each package has its own base below it
 * (ConfigError, HttpError, KafkaError, DbError, PlatformError, EtlError, GeneratorError…), so a
 * caller can catch one package's errors, branch on `code`, and show `hint`.
 *
 * @example
 * ```ts
 * try { await run(); }
 * catch (error) {
 *   if (error instanceof DataparkError) console.error(`${error.message}\n${error.hint ?? ''}`);
 *   else throw error;
 * }
 * ```
 */
export class DataparkError extends Error {
  override readonly name: string = 'DataparkError';
  readonly code: string;
  readonly hint: string | undefined;

  constructor(message: string, options: DataparkErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.hint = options.hint;
  }
}
