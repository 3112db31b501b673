import { DataparkError } from '@datapark/config';

/** Base of the errors @datapark/lake raises: branch on the subclass (or `code`), never on text. */
export class LakeError extends DataparkError {
  override readonly name: string = 'LakeError';
}

/**
 * DuckDB's iceberg, httpfs or avro extension is not in the extension directory for this DuckDB
 * version and platform: `hint` is the command that installs them.
 */
export class LakeExtensionsMissingError extends LakeError {
  override readonly name: string = 'LakeExtensionsMissingError';

  constructor(
    /** The files DuckDB would load and did not find. */
    readonly missing: readonly string[],
    message: string,
    hint: string,
  ) {
    super(message, { code: 'LAKE_EXTENSIONS_MISSING', hint });
  }
}

/** A `lake.<namespace>.<table>` the catalog does not hold (or did not when the lake was opened). */
export class LakeTableNotFoundError extends LakeError {
  override readonly name: string = 'LakeTableNotFoundError';

  constructor(
    /** The name as the query or the call gave it. */
    readonly table: string,
    /** What the catalog holds, `lake.<namespace>.<table>`. */
    readonly known: readonly string[],
    options: { readonly hint: string; readonly cause?: unknown },
  ) {
    super(
      `${table} is not a table of the lake; it holds ${known.length ? known.join(', ') : 'no table yet'}`,
      { code: 'LAKE_TABLE_NOT_FOUND', ...options },
    );
  }
}

/** The role reading the catalog may not (PostgreSQL's `permission denied`). */
export class LakeCatalogAccessError extends LakeError {
  override readonly name: string = 'LakeCatalogAccessError';
}

/** DuckDB refused or failed a statement; its message (never a credential) is in `message`. */
export class LakeQueryError extends LakeError {
  override readonly name: string = 'LakeQueryError';
}
