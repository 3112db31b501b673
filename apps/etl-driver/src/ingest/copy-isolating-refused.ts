import type { ClientBase } from '@datapark/db';
import type { CopyRow } from '@datapark/db';
import { CopyRowError, copyRowsInTransaction } from '@datapark/db';
import type { RawTable } from './raw-tables.js';

/** A row PostgreSQL refused for what it holds, with PostgreSQL's own words. */
export interface RefusedRow<T> {
  readonly item: T;
  readonly sqlstate: string;
  readonly reason: string;
}

/**
 * Whether PostgreSQL refused a row for its content, so the same row would be refused on every
 * retry: class 22 (data exception: 22P05 a NUL in JSON, 22021 a NUL byte in text, 22P02 bad
 * syntax, 22003 out of range, 22007/22008 a bad date), 23502 (not null) and 23514 (check).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export function contentRefusal(error: unknown): { sqlstate: string; reason: string } | undefined {
  const pgError = (error instanceof CopyRowError ? error.cause : error) as
    { code?: unknown; message?: unknown } | undefined;
  const code = pgError?.code;
  if (typeof code !== 'string') return undefined;
  if (!code.startsWith('22') && code !== '23502' && code !== '23514') return undefined;
  const reason = error instanceof CopyRowError ? error.reason : String(pgError?.message);
  return { sqlstate: code, reason };
}

/**
 * COPYs `items` into `table` inside the caller's transaction, setting aside every row PostgreSQL
 * refuses for its content instead of failing the whole batch: each attempt runs under a
 * savepoint, and a refused attempt is split at the line PostgreSQL names (or halved when it
 * names none) until only the refused rows are left out. A batch with k bad rows costs about
 * 3k + 1 COPYs; a clean batch costs one, plus the savepoint. Any other error is thrown as is.
 */
export async function copyIsolatingRefused<T extends { readonly row: CopyRow<RawTable> }>(
  client: ClientBase,
  table: RawTable,
  items: readonly T[],
  columns: readonly string[],
): Promise<RefusedRow<T>[]> {
  if (items.length === 0) return [];
  await client.query('SAVEPOINT copy_rows');
  try {
    await copyRowsInTransaction(
      client,
      table,
      items.map((i) => i.row),
      { columns: columns as never },
    );
    await client.query('RELEASE SAVEPOINT copy_rows');
    return [];
  } catch (error) {
    const refusal = contentRefusal(error);
    if (!refusal) throw error;
    await client.query('ROLLBACK TO SAVEPOINT copy_rows');
    await client.query('RELEASE SAVEPOINT copy_rows');
    if (items.length === 1) return [{ item: items[0]!, ...refusal }];
    const named = error instanceof CopyRowError ? error.rowIndex : undefined;
    if (named !== undefined && named >= 0 && named < items.length) {
      // The named row is tried alone too: a good row is never dead-lettered on PostgreSQL's word
      // about a line alone.
      return [
        ...(await copyIsolatingRefused(client, table, items.slice(0, named), columns)),
        ...(await copyIsolatingRefused(client, table, items.slice(named, named + 1), columns)),
        ...(await copyIsolatingRefused(client, table, items.slice(named + 1), columns)),
      ];
    }
    const half = Math.ceil(items.length / 2);
    return [
      ...(await copyIsolatingRefused(client, table, items.slice(0, half), columns)),
      ...(await copyIsolatingRefused(client, table, items.slice(half), columns)),
    ];
  }
}
