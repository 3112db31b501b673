import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Insertable } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, TableName } from '../schema/database.js';
import { withPoolClient } from '../with-pool-client.js';
import { CopyRowError } from './copy-error.js';
import { encodeCopyLine } from './encode-copy-text.js';

export type CopyRow<T extends TableName> = Insertable<Database[T]>;
type Rows<R> = Iterable<R> | AsyncIterable<R>;

export interface CopyOptions<T extends TableName> {
  /** Columns to load, in order; default: the keys of the first row. */
  readonly columns?: readonly (keyof CopyRow<T> & string)[];
  /** Rows per transaction (copyRows only). Default 50 000. */
  readonly batchSize?: number;
  /** Called after each committed batch with the total so far. */
  readonly onProgress?: (rowsCommitted: number) => void;
}

export interface CopyResult {
  readonly rows: number;
  readonly batches: number;
}

// Lines are grouped so the stream moves ~256 KiB at a time instead of one row per write.
const CHUNK_BYTES = 256 * 1024;

function quoteTable(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}

async function* inBatches<R>(rows: Rows<R>, size: number): AsyncGenerator<R[]> {
  let batch: R[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function* chunks(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += encodeCopyLine(row, columns);
    if (chunk.length >= CHUNK_BYTES) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Streams one batch through `COPY … FROM STDIN` on `client`, in whatever transaction it is in. */
async function copyBatch(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const columnList = columns.map((c) => `"${c.replaceAll('"', '""')}"`).join(', ');
  const stream = client.query(copyFrom(`COPY ${quoteTable(table)} (${columnList}) FROM STDIN`));
  await pipeline(Readable.from(chunks(rows, columns)), stream);
}

function toRowError(
  error: unknown,
  table: string,
  batch: readonly Record<string, unknown>[],
  columns: readonly string[],
  offset: number,
  committed: number,
): CopyRowError {
  const where = (error as { where?: string }).where ?? '';
  // Not the first "line N": a JSON error's context starts with "JSON data, line 1: …".
  const line = /COPY [^,]+, line (\d+)/.exec(where)?.[1];
  const inBatch = line === undefined ? undefined : Number(line) - 1;
  const row = inBatch === undefined ? undefined : batch[inBatch];
  const preview = row
    ? columns
        .slice(0, 3)
        .map((c) => `${c}=${JSON.stringify(row[c])?.slice(0, 60)}`)
        .join(', ')
    : undefined;
  const reason = `${(error as Error).message}${where ? ` (${where.split('\n')[0]})` : ''}`;
  return new CopyRowError(
    table,
    inBatch === undefined ? undefined : offset + inBatch,
    preview,
    reason,
    committed,
    {
      cause: error,
    },
  );
}

/**
 * Bulk-loads typed rows with `COPY … FROM STDIN`, each batch in its own transaction: a refused
 * row aborts its batch with a {@link CopyRowError} naming it, and earlier batches stay committed.
 *
 * @example
 * ```ts
 * const pool = createPool(loadConfig(), 'generator');
 * await copyRows(pool, 'source.customers', customers, { batchSize: 10_000 });
 * // COPY "source"."customers" ("customer_id", "email", …) FROM STDIN
 * ```
 */
export async function copyRows<T extends TableName>(
  pool: pg.Pool,
  table: T,
  rows: Rows<CopyRow<T>>,
  options: CopyOptions<T> = {},
): Promise<CopyResult> {
  const batchSize = options.batchSize ?? 50_000;
  let committed = 0;
  let batches = 0;
  let columns: readonly string[] | undefined = options.columns;
  await withPoolClient(pool, async (client) => {
    for await (const batch of inBatches(rows as Rows<Record<string, unknown>>, batchSize)) {
      columns ??= Object.keys(batch[0]!);
      await client.query('BEGIN');
      try {
        await copyBatch(client, table, columns, batch);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw toRowError(error, table, batch, columns, committed, committed);
      }
      committed += batch.length;
      batches += 1;
      options.onProgress?.(committed);
    }
  });
  return { rows: committed, batches };
}

/**
 * Like {@link copyRows}, but inside the caller's transaction on `client`: nothing is committed
 * here, so the caller can commit the rows together with other writes (consumer offsets) or roll
 * everything back.
 */
export async function copyRowsInTransaction<T extends TableName>(
  client: pg.ClientBase,
  table: T,
  rows: readonly CopyRow<T>[],
  options: Pick<CopyOptions<T>, 'columns'> = {},
): Promise<CopyResult> {
  if (rows.length === 0) return { rows: 0, batches: 0 };
  const records = rows as readonly Record<string, unknown>[];
  const columns = options.columns ?? Object.keys(records[0]!);
  try {
    await copyBatch(client, table, columns, records);
  } catch (error) {
    throw toRowError(error, table, records, columns, 0, 0);
  }
  return { rows: rows.length, batches: 1 };
}
