// What a JSON Schema says, read one keyword at a time: the facts the compatibility check in
// compatibility.ts compares between a reader and a writer (types, finite values, bounds, $refs).
import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from './json-schema-of.js';

export type Schema = Readonly<Record<string, unknown>>;

/** Keywords that describe but never constrain: a change to them is always compatible. */
export const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

/** Keywords this check reasons about; any other constraint must stay exactly as it was. */
export const UNDERSTOOD = new Set([
  ...ANNOTATIONS,
  '$ref',
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
]);

interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

export function bound(schema: Schema, inclusive: string, exclusive: string): Bound | undefined {
  const i = schema[inclusive];
  const e = schema[exclusive];
  if (typeof e === 'number' && (typeof i !== 'number' || e >= i))
    return { value: e, exclusive: true };
  if (typeof i === 'number') return { value: i, exclusive: false };
  return undefined;
}

export function narrowerLow(reader: Bound | undefined, writer: Bound | undefined): boolean {
  if (!reader) return false;
  if (!writer) return true;
  return (
    writer.value < reader.value ||
    (writer.value === reader.value && reader.exclusive && !writer.exclusive)
  );
}

export function narrowerHigh(reader: Bound | undefined, writer: Bound | undefined): boolean {
  if (!reader) return false;
  if (!writer) return true;
  return (
    writer.value > reader.value ||
    (writer.value === reader.value && reader.exclusive && !writer.exclusive)
  );
}

export function showBound(b: Bound | undefined): string {
  return b ? `${b.exclusive ? '>' : ''}${b.value}` : 'none';
}

export function acceptsAnything(schema: JsonSchema): boolean {
  return (
    schema === true ||
    (typeof schema === 'object' && Object.keys(schema).every((k) => ANNOTATIONS.has(k)))
  );
}

export function typesOf(schema: Schema): string[] | undefined {
  const t = schema.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t as string[];
  return undefined;
}

export function valuesOf(schema: Schema): unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  return undefined;
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether one value the writer allowed (an enum member, a const) passes the reader. */
export function valueAccepted(reader: JsonSchema, value: unknown): boolean {
  if (typeof reader === 'boolean') return reader;
  const union = (reader.anyOf ?? reader.oneOf) as JsonSchema[] | undefined;
  if (union && !union.some((b) => valueAccepted(b, value))) return false;
  if (
    Array.isArray(reader.allOf) &&
    !reader.allOf.every((b) => valueAccepted(b as JsonSchema, value))
  )
    return false;
  const allowed = valuesOf(reader);
  if (allowed && !allowed.some((a) => isDeepStrictEqual(a, value))) return false;
  const types = typesOf(reader);
  const type = typeOfValue(value);
  if (types && !types.includes(type) && !(type === 'integer' && types.includes('number')))
    return false;
  if (typeof value === 'string') {
    if (typeof reader.pattern === 'string' && !new RegExp(reader.pattern, 'u').test(value))
      return false;
    if (typeof reader.minLength === 'number' && [...value].length < reader.minLength) return false;
    if (typeof reader.maxLength === 'number' && [...value].length > reader.maxLength) return false;
    // A format is not checked value by value: a reader that adds one needs the writer's too.
    if (reader.format !== undefined) return false;
  }
  if (typeof value === 'number') {
    const low = bound(reader, 'minimum', 'exclusiveMinimum');
    const high = bound(reader, 'maximum', 'exclusiveMaximum');
    if (low && (value < low.value || (low.exclusive && value === low.value))) return false;
    if (high && (value > high.value || (high.exclusive && value === high.value))) return false;
  }
  return true;
}

export function deref(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith('#') || hops > 32)
      throw new TypeError(
        `cannot resolve $ref ${ref}: only references within the schema are supported`,
      );
    const { $ref: _ref, ...siblings } = current;
    let target: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean))
      target = (target as Record<string, unknown>)[
        part.replaceAll('~1', '/').replaceAll('~0', '~')
      ];
    if (target === undefined) throw new TypeError(`cannot resolve $ref ${ref}`);
    current =
      typeof target === 'boolean' || Object.keys(siblings).length === 0
        ? (target as JsonSchema)
        : { ...(target as Schema), ...siblings };
  }
  return current;
}

export function describeType(schema: Schema): string {
  return typesOf(schema)?.join(' or ') ?? 'value';
}

export function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

export function shown(path: string): string {
  return path === '' ? '(root)' : path;
}
