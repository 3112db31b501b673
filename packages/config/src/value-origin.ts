/** Where one configuration value came from, as {@link loadConfig} picked it. */
export interface ValueOrigin {
  readonly key: string;
  readonly from: 'option' | 'environment' | 'endpoints file' | 'default';
  /** The variable that set it, when it came from the environment (`DATAPARK_POSTGRES_PORT`). */
  readonly variable?: string;
  /**
   * What the endpoints file holds for the key, parsed, when the value came from an option or a
   * variable: where the platform that wrote the file actually is. Never kept for a secret.
   */
  readonly platformValue?: unknown;
}

// Kept beside the config rather than in it: the config stays a plain object that prints,
// redacts and compares as before. A config built by hand (or copied) has no origins.
const origins = new WeakMap<object, ReadonlyMap<string, ValueOrigin>>();

/** Records the origins of a config {@link loadConfig} built. */
export function recordOrigins(config: object, byKey: ReadonlyMap<string, ValueOrigin>): void {
  origins.set(config, byKey);
}

/**
 * Where a value of a config came from: an option, a `DATAPARK_*` variable, the endpoints file or
 * the default. Undefined for a config that {@link loadConfig} did not build.
 *
 * @example
 * ```ts
 * // DATAPARK_POSTGRES_PORT=25999 with the platform up on 15432
 * valueOrigin(loadConfig(), 'postgres.port');
 * // { key: 'postgres.port', from: 'environment', variable: 'DATAPARK_POSTGRES_PORT', platformValue: 15432 }
 * ```
 */
export function valueOrigin(config: object, key: string): ValueOrigin | undefined {
  return origins.get(config)?.get(key);
}
