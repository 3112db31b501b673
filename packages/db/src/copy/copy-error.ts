import { DbError } from '../db-error.js';
/** A row PostgreSQL refused during COPY: which one, why, and what was already committed. */
export class CopyRowError extends DbError {
  override readonly name = 'CopyRowError';

  constructor(
    readonly table: string,
    /** Index of the refused row in the input (0-based), when PostgreSQL named its line. */
    readonly rowIndex: number | undefined,
    /** The refused row's first columns, to find it. */
    readonly rowPreview: string | undefined,
    /** PostgreSQL's own message, e.g. `invalid input syntax for type integer: "x"`. */
    readonly reason: string,
    /** Rows committed before the failing batch: they stay. */
    readonly committedRows: number,
    options?: { cause?: unknown },
  ) {
    super(
      `COPY into ${table} refused ${rowIndex === undefined ? 'a row' : `row ${rowIndex}`}` +
        `${rowPreview ? ` (${rowPreview})` : ''}: ${reason}. ` +
        `Its batch was rolled back; ${committedRows} rows committed before it are kept.`,
      {
        code: 'COPY_ROW_REFUSED',
        hint: 'fix or leave out the row named; the rows before its batch are already in',
        cause: options?.cause,
      },
    );
  }
}
