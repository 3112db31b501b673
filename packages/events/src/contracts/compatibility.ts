import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from './json-schema-of.js';
import {
  ANNOTATIONS,
  type Schema,
  UNDERSTOOD,
  acceptsAnything,
  bound,
  deref,
  describeType,
  narrowerHigh,
  narrowerLow,
  show,
  showBound,
  shown,
  typesOf,
  valueAccepted,
  valuesOf,
} from './schema-facts.js';

/** How a reader schema fails to accept what a writer schema allowed. */
export type ChangeKind =
  | 'TYPE_CHANGED'
  | 'REQUIRED_FIELD_ADDED'
  | 'FIELD_REMOVED'
  | 'FIELD_ADDED_TO_OPEN_MODEL'
  | 'ADDITIONAL_PROPERTIES_NARROWED'
  | 'ENUM_NARROWED'
  | 'PATTERN_CHANGED'
  | 'FORMAT_CHANGED'
  | 'RANGE_NARROWED'
  | 'UNION_NARROWED'
  | 'UNSUPPORTED_KEYWORD_CHANGED';

/** One reason a reader would refuse a value its writer allowed. */
export interface Incompatibility {
  /** The field, dotted from the event's root: `payload.device`, `payload.items[].quantity`. */
  readonly path: string;
  readonly change: ChangeKind;
  /** What changed, in words: `type changed from string to number`. */
  readonly detail: string;
}

/**
 * Whether a reader schema accepts every value its writer schema allowed: the JSON Schema
 * meaning of "the reader can read the writer's data". Empty when it does; otherwise every
 * field that breaks, and how. BACKWARD compatibility is `incompatibilities(newer, older)`,
 * FORWARD is `incompatibilities(older, newer)`.
 *
 * It decides what our zod schemas export (types, objects with a closed or open content model,
 * required fields, enums and consts, unions such as nullable fields, string and number bounds,
 * arrays) as Confluent's JSON Schema rules do, and it errs on the safe side elsewhere: a
 * changed `pattern` or `format` is incompatible (two regular expressions are not compared), and
 * any keyword it does not reason about must be unchanged. `oneOf` is read as `anyOf`.
 *
 * @example
 * ```ts
 * incompatibilities(
 *   { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
 *   { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
 * );
 * // [{ path: 'a', change: 'TYPE_CHANGED', detail: 'type changed from string to number' }]
 * ```
 */
export function incompatibilities(reader: JsonSchema, writer: JsonSchema): Incompatibility[] {
  return new Check(reader, writer).compare(reader, writer, '');
}

class Check {
  private readonly seen = new Set<string>();

  constructor(
    private readonly readerRoot: JsonSchema,
    private readonly writerRoot: JsonSchema,
  ) {}

  compare(readerIn: JsonSchema, writerIn: JsonSchema, path: string): Incompatibility[] {
    const reader = deref(readerIn, this.readerRoot);
    const writer = deref(writerIn, this.writerRoot);
    // A $ref cycle comes back to a pair already under comparison: assume it holds there.
    const key = `${path}\u0000${JSON.stringify(reader)}\u0000${JSON.stringify(writer)}`;
    if (this.seen.has(key)) return [];
    this.seen.add(key);
    if (acceptsAnything(reader) || writer === false) return [];
    const at = (change: ChangeKind, detail: string) => [{ path: shown(path), change, detail }];
    if (reader === false) return at('TYPE_CHANGED', 'the reader accepts no value here any more');
    if (writer === true)
      return at('TYPE_CHANGED', 'the writer allowed any value here; the reader constrains it');
    return this.compareSchemas(reader as Schema, writer as Schema, path);
  }

  private compareSchemas(reader: Schema, writer: Schema, path: string): Incompatibility[] {
    // The writer's alternatives: the reader must accept each of them.
    const writerTypes = typesOf(writer);
    if (writerTypes && writerTypes.length > 1 && !writer.anyOf && !writer.oneOf)
      return writerTypes.flatMap((type) => this.compare(reader, { ...writer, type }, path));
    const writerUnion = (writer.anyOf ?? writer.oneOf) as JsonSchema[] | undefined;
    if (writerUnion) {
      const { anyOf: _a, oneOf: _o, ...rest } = writer;
      return writerUnion.flatMap((branch) =>
        this.compare(reader, typeof branch === 'boolean' ? branch : { ...rest, ...branch }, path),
      );
    }
    if (Array.isArray(writer.allOf)) {
      const { allOf, ...rest } = writer;
      return this.compare(reader, Object.assign({}, rest, ...(allOf as Schema[])), path);
    }
    if (Array.isArray(reader.allOf)) {
      const { allOf, ...rest } = reader;
      return [rest, ...(allOf as JsonSchema[])].flatMap((part) => this.compare(part, writer, path));
    }
    const readerUnion = (reader.anyOf ?? reader.oneOf) as JsonSchema[] | undefined;
    if (readerUnion) return this.compareToUnion(reader, readerUnion, writer, path);
    if (reader.not !== undefined || writer.not !== undefined) {
      // What the reader excludes must have been excluded by the writer already.
      if (reader.not === undefined) return this.compareOwn(reader, writer, path);
      const excluded =
        writer.not === undefined
          ? [{ path: shown(path), change: 'UNION_NARROWED' as const, detail: 'a `not` was added' }]
          : this.compare(writer.not as JsonSchema, reader.not as JsonSchema, path);
      return [...excluded, ...this.compareOwn(reader, writer, path)];
    }
    return this.compareOwn(reader, writer, path);
  }

  private compareToUnion(
    reader: Schema,
    union: readonly JsonSchema[],
    writer: Schema,
    path: string,
  ): Incompatibility[] {
    const { anyOf: _a, oneOf: _o, ...rest } = reader;
    const siblings = Object.keys(rest).some((k) => !ANNOTATIONS.has(k))
      ? this.compare(rest, writer, path)
      : [];
    const tries = union.map((branch) =>
      this.compare(typeof branch === 'boolean' ? branch : { ...rest, ...branch }, writer, path),
    );
    if (tries.some((issues) => issues.length === 0)) return siblings;
    // Report against the branch of the writer's type, if there is one: the closest match.
    const writerType = typesOf(writer)?.[0];
    const sameType = union.findIndex(
      (b) => typeof b !== 'boolean' && typesOf(b)?.[0] === writerType,
    );
    if (writerType && sameType >= 0) return [...siblings, ...tries[sameType]!];
    if (tries.length === 1) return [...siblings, ...tries[0]!];
    const readerTypes = union.map((b) => (typeof b === 'boolean' ? undefined : typesOf(b)));
    if (writerType && readerTypes.every((t) => t !== undefined))
      return [
        ...siblings,
        {
          path: shown(path),
          change: 'TYPE_CHANGED',
          detail: `type changed from ${writerType} to ${readerTypes.flat().join(' or ')}`,
        },
      ];
    return [
      ...siblings,
      {
        path: shown(path),
        change: 'UNION_NARROWED',
        detail: `no alternative of the reader accepts the writer's ${describeType(writer)}`,
      },
    ];
  }

  /** Both sides plain schemas (no unions left): compare keyword by keyword. */
  private compareOwn(reader: Schema, writer: Schema, path: string): Incompatibility[] {
    const issues: Incompatibility[] = [];
    const add = (change: ChangeKind, detail: string, at = path) =>
      issues.push({ path: shown(at), change, detail });

    const writerValues = valuesOf(writer);
    if (writerValues) {
      // A finite set: the reader must accept each value, whatever else the writer said.
      const refused = writerValues.filter((v) => !valueAccepted(reader, v));
      if (refused.length > 0)
        add(
          valuesOf(reader) ? 'ENUM_NARROWED' : 'TYPE_CHANGED',
          `the reader refuses ${refused.map((v) => JSON.stringify(v)).join(', ')}, which the writer allowed`,
        );
      return issues;
    }
    const readerValues = valuesOf(reader);
    if (readerValues) {
      add(
        'ENUM_NARROWED',
        `the writer allowed any ${describeType(writer)}; the reader only ${readerValues.map((v) => JSON.stringify(v)).join(', ')}`,
      );
      return issues;
    }

    const readerTypes = typesOf(reader);
    const writerTypes = typesOf(writer);
    if (readerTypes) {
      const missing = (writerTypes ?? ['any type']).filter(
        (t) => !readerTypes.includes(t) && !(t === 'integer' && readerTypes.includes('number')),
      );
      if (missing.length > 0) {
        add(
          'TYPE_CHANGED',
          `type changed from ${(writerTypes ?? ['any type']).join(' or ')} to ${readerTypes.join(' or ')}`,
        );
        return issues;
      }
    }

    // Strings.
    if (reader.pattern !== undefined && reader.pattern !== writer.pattern)
      add(
        'PATTERN_CHANGED',
        `pattern changed from ${show(writer.pattern)} to ${show(reader.pattern)}`,
      );
    if (reader.format !== undefined && reader.format !== writer.format)
      add('FORMAT_CHANGED', `format changed from ${show(writer.format)} to ${show(reader.format)}`);
    this.bounds(reader, writer, 'minLength', 'maxLength', add);
    // Numbers.
    const low = (s: Schema) => bound(s, 'minimum', 'exclusiveMinimum');
    const high = (s: Schema) => bound(s, 'maximum', 'exclusiveMaximum');
    if (narrowerLow(low(reader), low(writer)))
      add(
        'RANGE_NARROWED',
        `lower bound raised from ${showBound(low(writer))} to ${showBound(low(reader))}`,
      );
    if (narrowerHigh(high(reader), high(writer)))
      add(
        'RANGE_NARROWED',
        `upper bound lowered from ${showBound(high(writer))} to ${showBound(high(reader))}`,
      );
    if (typeof reader.multipleOf === 'number') {
      const w = writer.multipleOf;
      if (typeof w !== 'number' || !Number.isInteger(w / reader.multipleOf))
        add('RANGE_NARROWED', `multipleOf changed from ${show(w)} to ${reader.multipleOf}`);
    }
    // Arrays.
    this.bounds(reader, writer, 'minItems', 'maxItems', add);
    if (reader.uniqueItems === true && writer.uniqueItems !== true)
      add('RANGE_NARROWED', 'items must now be unique');
    if (Array.isArray(reader.items) || Array.isArray(writer.items)) {
      // Draft 7's tuple form (`items: [...]`): not reasoned about, so it must stay as it was.
      if (!isDeepStrictEqual(reader.items, writer.items))
        add('UNSUPPORTED_KEYWORD_CHANGED', '"items" (a tuple) changed; it must stay as it was');
    } else if (reader.items !== undefined)
      issues.push(
        ...this.compare(
          reader.items as JsonSchema,
          (writer.items ?? true) as JsonSchema,
          `${path}[]`,
        ),
      );
    // Objects.
    if (reader.properties || writer.properties || reader.additionalProperties !== undefined)
      issues.push(...this.compareObjects(reader, writer, path));
    this.bounds(reader, writer, 'minProperties', 'maxProperties', add);

    for (const keyword of Object.keys(reader)) {
      if (UNDERSTOOD.has(keyword) || isDeepStrictEqual(reader[keyword], writer[keyword])) continue;
      add(
        'UNSUPPORTED_KEYWORD_CHANGED',
        `"${keyword}" changed; this check cannot prove the change safe, so it must stay as it was`,
      );
    }
    return issues;
  }

  private compareObjects(reader: Schema, writer: Schema, path: string): Incompatibility[] {
    const issues: Incompatibility[] = [];
    const readerProps = (reader.properties ?? {}) as Record<string, JsonSchema>;
    const writerProps = (writer.properties ?? {}) as Record<string, JsonSchema>;
    const readerRequired = new Set((reader.required ?? []) as string[]);
    const writerRequired = new Set((writer.required ?? []) as string[]);
    const readerExtra = (reader.additionalProperties ?? true) as JsonSchema;
    const writerExtra = (writer.additionalProperties ?? true) as JsonSchema;
    const field = (name: string) => (path ? `${path}.${name}` : name);
    const add = (at: string, change: ChangeKind, detail: string) =>
      issues.push({ path: at, change, detail });

    for (const name of readerRequired) {
      if (writerRequired.has(name)) continue;
      add(
        field(name),
        'REQUIRED_FIELD_ADDED',
        name in writerProps
          ? 'an optional field became required: records without it would be refused'
          : 'a new required field: records written before it lack it',
      );
    }
    for (const [name, writerField] of Object.entries(writerProps)) {
      if (writerField === false) continue;
      if (name in readerProps)
        issues.push(...this.compare(readerProps[name]!, writerField, field(name)));
      else if (readerExtra === false)
        add(
          field(name),
          'FIELD_REMOVED',
          `${writerRequired.has(name) ? 'a required' : 'an optional'} field was removed from a closed model: records that carry it would be refused`,
        );
      else issues.push(...this.compare(readerExtra, writerField, field(name)));
    }
    for (const [name, readerField] of Object.entries(readerProps)) {
      if (name in writerProps || writerExtra === false || acceptsAnything(readerField)) continue;
      if (writerExtra === true)
        add(
          field(name),
          'FIELD_ADDED_TO_OPEN_MODEL',
          'a field was added to an open model: records written before may carry it with any value',
        );
      else issues.push(...this.compare(readerField, writerExtra, field(name)));
    }
    if (readerExtra === false && writerExtra !== false)
      add(
        shown(`${field('*')}`),
        'ADDITIONAL_PROPERTIES_NARROWED',
        'the model was closed (additionalProperties: false): extra fields the writer allowed are refused',
      );
    else if (readerExtra !== true && readerExtra !== false && writerExtra !== false)
      issues.push(...this.compare(readerExtra, writerExtra, field('*')));
    return issues;
  }

  private bounds(
    reader: Schema,
    writer: Schema,
    min: string,
    max: string,
    add: (change: ChangeKind, detail: string) => void,
  ): void {
    const rMin = reader[min] as number | undefined;
    const wMin = writer[min] as number | undefined;
    if (rMin !== undefined && (wMin ?? 0) < rMin)
      add('RANGE_NARROWED', `${min} raised from ${wMin ?? 0} to ${rMin}`);
    const rMax = reader[max] as number | undefined;
    const wMax = writer[max] as number | undefined;
    if (rMax !== undefined && (wMax === undefined || wMax > rMax))
      add('RANGE_NARROWED', `${max} lowered from ${wMax ?? 'none'} to ${rMax}`);
  }
}
