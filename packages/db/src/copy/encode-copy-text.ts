/**
 * Encodes one value for PostgreSQL's COPY text format
 * (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2):
 * NULL is `\N`; backslash, tab, newline and carriage return are escaped. Objects and arrays are
 * JSON (the jsonb columns); Dates are ISO 8601 in UTC.
 */
export function encodeCopyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value))
      text = Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    else text = String(value);
  } else if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'boolean') return value ? 't' : 'f';
  else if (value instanceof Date) return value.toISOString();
  else text = JSON.stringify(value);
  return escapeCopyText(text);
}

const SPECIAL = /[\\\t\n\r]/;

function escapeCopyText(text: string): string {
  if (!SPECIAL.test(text)) return text;
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('\t', '\\t')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
}

/** One row as a COPY text line (with its newline). */
export function encodeCopyLine(
  row: Readonly<Record<string, unknown>>,
  columns: readonly string[],
): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += '\t';
    line += encodeCopyValue(row[columns[i]!]);
  }
  return line + '\n';
}
