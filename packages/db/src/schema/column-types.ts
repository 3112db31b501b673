import type { ColumnType } from 'kysely';

// How node-postgres hands each PostgreSQL type to us, as Kysely column types. These match what
// kysely-codegen emits for the same columns (checked by the drift test), so the hand-written
// interfaces and the migrated database cannot silently disagree.

/**
 * A column the database fills in when an insert leaves it out. Unlike Kysely's own
 * `Generated`, it unwraps a ColumnType (`Generated<Timestamp>` selects a Date, not a
 * ColumnType), as kysely-codegen's does.
 */
export type Generated<T> =
  T extends ColumnType<infer S, infer I, infer U>
    ? ColumnType<S, I | undefined, U>
    : ColumnType<T, T | undefined, T>;

/** An identity column: the database always fills it in; inserts and updates may not. */
export type GeneratedAlways<T> =
  T extends ColumnType<infer S, infer _I, infer _U>
    ? ColumnType<S, never, never>
    : ColumnType<T, never, never>;

/** timestamptz: a Date out; a Date or ISO string in. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** date: kept as 'YYYY-MM-DD' (createDb installs a parser), never shifted by a time zone. */
export type DateString = string;
/** numeric: a string out, so money never loses a cent to floating point. */
export type Numeric = ColumnType<string, number | string, number | string>;
/** bigint: a string out (it may exceed 2^53). */
export type Int8 = ColumnType<string, bigint | number | string, bigint | number | string>;

export type JsonPrimitive = boolean | number | string | null;
export type JsonArray = JsonValue[];
export type JsonObject = { [key: string]: JsonValue | undefined };
export type JsonValue = JsonArray | JsonObject | JsonPrimitive;
export type Json = JsonValue;
