import type pg from 'pg';

/**
 * Runs `fn` with a client checked out of `pool` and releases it, destroying it when its
 * connection broke. While checked out, a client whose server goes away (a restart, a failover)
 * emits 'error' besides failing its query, and pg-pool listens for that only while the client
 * is idle: with no listener of ours, that event would end the process.
 *
 * @example
 * ```ts
 * await withPoolClient(pool, async (client) => {
 *   await client.query('BEGIN');
 *   // …
 *   await client.query('COMMIT');
 * });
 * ```
 */
export async function withPoolClient<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: {
    /** Errors after which the connection is not reused (e.g. a server gone away mid-query). */
    readonly breaksConnection?: (error: unknown) => boolean;
  } = {},
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } catch (error) {
    if (options.breaksConnection?.(error))
      broken ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
