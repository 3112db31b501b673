import type { ChangeKind, JsonSchema } from '@datapark/events';
import { incompatibilities } from '@datapark/events';

/**
 * The documented cases of Confluent Schema Registry's JSON Schema compatibility (its
 * "Schema Evolution and Compatibility" page, open and closed content models, and the cases of
 * its json-schema-provider tests), for the keywords our zod schemas export. Each case is read
 * as BACKWARD: can a reader with `update` read what `original` allowed? `incompatibilities`
 * takes the reader first.
 */
const obj = (properties: Record<string, JsonSchema>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});
const closed = { additionalProperties: false };
const str = { type: 'string' };
const num = { type: 'number' };

const CASES: readonly [string, JsonSchema, JsonSchema, ChangeKind | 'compatible'][] = [
  // [description, original (writer), update (reader), expected]
  ['an unchanged schema', obj({ a: str }), obj({ a: str }), 'compatible'],
  [
    'a changed title or description',
    { title: 'x', ...str },
    { title: 'y', description: 'd', ...str },
    'compatible',
  ],
  ['anything may become the empty schema', obj({ a: str }), {}, 'compatible'],
  ['object to array', { type: 'object' }, { type: 'array' }, 'TYPE_CHANGED'],
  ['number narrowed to integer', num, { type: 'integer' }, 'TYPE_CHANGED'],
  ['integer widened to number', { type: 'integer' }, num, 'compatible'],
  [
    'a type added to a type list',
    { type: ['object'] },
    { type: ['object', 'array'] },
    'compatible',
  ],
  ['string to nullable string', str, { anyOf: [str, { type: 'null' }] }, 'compatible'],
  ['nullable string to string', { anyOf: [str, { type: 'null' }] }, str, 'TYPE_CHANGED'],
  ['a oneOf alternative added', { oneOf: [str] }, { oneOf: [num, str] }, 'compatible'],
  ['a oneOf alternative replaced', { oneOf: [str] }, { oneOf: [num] }, 'TYPE_CHANGED'],
  ['minLength increased', { ...str, minLength: 10 }, { ...str, minLength: 11 }, 'RANGE_NARROWED'],
  ['minLength decreased', { ...str, minLength: 11 }, { ...str, minLength: 10 }, 'compatible'],
  ['maxLength increased', { ...str, maxLength: 10 }, { ...str, maxLength: 12 }, 'compatible'],
  ['maxLength decreased', { ...str, maxLength: 12 }, { ...str, maxLength: 10 }, 'RANGE_NARROWED'],
  ['pattern removed', { ...str, pattern: '^a' }, str, 'compatible'],
  ['pattern changed', { ...str, pattern: '^a' }, { ...str, pattern: '^b' }, 'PATTERN_CHANGED'],
  ['pattern added', str, { ...str, pattern: '^a' }, 'PATTERN_CHANGED'],
  ['format added', str, { ...str, format: 'uuid' }, 'FORMAT_CHANGED'],
  ['maximum removed', { ...num, maximum: 10 }, num, 'compatible'],
  ['maximum increased', { ...num, maximum: 10 }, { ...num, maximum: 11 }, 'compatible'],
  ['maximum decreased', { ...num, maximum: 11 }, { ...num, maximum: 10 }, 'RANGE_NARROWED'],
  ['minimum increased', { ...num, minimum: 10 }, { ...num, minimum: 11 }, 'RANGE_NARROWED'],
  ['minimum decreased', { ...num, minimum: 11 }, { ...num, minimum: 10 }, 'compatible'],
  [
    'minimum made exclusive',
    { ...num, minimum: 0 },
    { ...num, exclusiveMinimum: 0 },
    'RANGE_NARROWED',
  ],
  [
    'multipleOf reduced to a divisor',
    { ...num, multipleOf: 10 },
    { ...num, multipleOf: 2 },
    'compatible',
  ],
  ['multipleOf changed', { ...num, multipleOf: 10 }, { ...num, multipleOf: 11 }, 'RANGE_NARROWED'],
  ['an enum value added', { enum: ['red'] }, { enum: ['red', 'blue'] }, 'compatible'],
  ['an enum value removed', { enum: ['red', 'blue'] }, { enum: ['red'] }, 'ENUM_NARROWED'],
  ['an enum replaced', { ...str, enum: ['red'] }, { ...str, enum: ['blue'] }, 'ENUM_NARROWED'],
  ['a const changed', { const: 'a' }, { const: 'b' }, 'ENUM_NARROWED'],
  ['a const widened to its type', { const: 'a' }, str, 'compatible'],
  ['a string narrowed to an enum', str, { enum: ['a'] }, 'ENUM_NARROWED'],
  ['a property type changed', obj({ foo: str }), obj({ foo: num }), 'TYPE_CHANGED'],
  [
    'a property renamed in an open model',
    obj({ foo: str }),
    obj({ bar: str }),
    'FIELD_ADDED_TO_OPEN_MODEL',
  ],
  [
    'a property added to an open model',
    obj({ foo: str }),
    obj({ foo: str, bar: num }),
    'FIELD_ADDED_TO_OPEN_MODEL',
  ],
  [
    'an optional property added to a closed model',
    obj({ foo: str }, closed),
    obj({ foo: str, bar: num }, closed),
    'compatible',
  ],
  [
    'a required property added to a closed model',
    obj({ foo: str }, closed),
    obj({ foo: str, bar: num }, { ...closed, required: ['bar'] }),
    'REQUIRED_FIELD_ADDED',
  ],
  [
    'a property added, covered by a partly open model',
    obj({ foo: str }, { additionalProperties: str }),
    obj({ foo: str, bar: str }, { additionalProperties: str }),
    'compatible',
  ],
  [
    'a property added, not covered by a partly open model',
    obj({ foo: str }, { additionalProperties: str }),
    obj({ foo: str, bar: num }, { additionalProperties: str }),
    'TYPE_CHANGED',
  ],
  [
    'a property removed from a closed model',
    obj({ foo: str, bar: str }, closed),
    obj({ foo: str }, closed),
    'FIELD_REMOVED',
  ],
  [
    'a required property removed from a closed model',
    obj({ foo: str, bar: str }, { ...closed, required: ['foo', 'bar'] }),
    obj({ foo: str }, { ...closed, required: ['foo'] }),
    'FIELD_REMOVED',
  ],
  [
    'a property removed, covered by a partly open model',
    obj({ foo: str, bar: str }, closed),
    obj({ foo: str }, { additionalProperties: str }),
    'compatible',
  ],
  [
    'a property removed, not covered by a partly open model',
    obj({ foo: str, bar: num }, closed),
    obj({ foo: str }, { additionalProperties: str }),
    'TYPE_CHANGED',
  ],
  [
    'a property removed from an open model',
    obj({ foo: str, bar: str }),
    obj({ foo: str }),
    'compatible',
  ],
  ['required removed', obj({ foo: str }, { required: ['foo'] }), obj({ foo: str }), 'compatible'],
  [
    'required added',
    obj({ foo: str }),
    obj({ foo: str }, { required: ['foo'] }),
    'REQUIRED_FIELD_ADDED',
  ],
  [
    'an open model closed',
    { additionalProperties: true },
    { additionalProperties: false },
    'ADDITIONAL_PROPERTIES_NARROWED',
  ],
  ['a closed model opened', obj({}, closed), obj({}), 'compatible'],
  [
    'additionalProperties narrowed',
    { additionalProperties: true },
    { additionalProperties: num },
    'TYPE_CHANGED',
  ],
  [
    'additionalProperties changed',
    { additionalProperties: str },
    { additionalProperties: num },
    'TYPE_CHANGED',
  ],
  ['items schema added', { type: 'array' }, { type: 'array', items: str }, 'TYPE_CHANGED'],
  ['items schema removed', { type: 'array', items: str }, { type: 'array' }, 'compatible'],
  [
    'items type changed',
    { type: 'array', items: str },
    { type: 'array', items: num },
    'TYPE_CHANGED',
  ],
  [
    'minItems increased',
    { type: 'array', minItems: 1 },
    { type: 'array', minItems: 2 },
    'RANGE_NARROWED',
  ],
  ['minItems removed', { type: 'array', minItems: 1 }, { type: 'array' }, 'compatible'],
  [
    'maxItems decreased',
    { type: 'array', maxItems: 2 },
    { type: 'array', maxItems: 1 },
    'RANGE_NARROWED',
  ],
  ['uniqueItems removed', { type: 'array', uniqueItems: true }, { type: 'array' }, 'compatible'],
  ['maxProperties decreased', { maxProperties: 2 }, { maxProperties: 1 }, 'RANGE_NARROWED'],
  ['minProperties decreased', { minProperties: 2 }, { minProperties: 1 }, 'compatible'],
  ['a $ref moved to, same type', str, { $ref: '#/$defs/s', $defs: { s: str } }, 'compatible'],
  [
    'a $ref target changed type',
    { type: 'array', items: { $ref: '#/$defs/s' }, $defs: { s: str } },
    { type: 'array', items: { $ref: '#/$defs/s' }, $defs: { s: num } },
    'TYPE_CHANGED',
  ],
  ['a not narrowed', { not: num }, { not: { type: 'integer' } }, 'compatible'],
  ['a not widened', { not: { type: 'integer' } }, { not: num }, 'TYPE_CHANGED'],
  [
    'a keyword it does not reason about changed',
    { patternProperties: { '^S_': str } },
    { patternProperties: { '^S_': num } },
    'UNSUPPORTED_KEYWORD_CHANGED',
  ],
];

describe('JSON Schema compatibility (BACKWARD: the update reads what the original allowed)', () => {
  it.each(CASES)('%s', (_description, original, update, expected) => {
    const found = incompatibilities(update, original);
    if (expected === 'compatible') expect(found).toEqual([]);
    else expect(found.map((f) => f.change)).toContain(expected);
  });

  it('names the field of a change, dotted from the root, through arrays and nullable fields', () => {
    const before = obj({
      payload: obj(
        {
          items: { type: 'array', items: obj({ quantity: { type: 'integer' } }, closed) },
          note: { anyOf: [str, { type: 'null' }] },
        },
        { ...closed, required: ['items'] },
      ),
    });
    const after = obj({
      payload: obj(
        {
          items: { type: 'array', items: obj({ quantity: str }, closed) },
          note: { anyOf: [num, { type: 'null' }] },
        },
        { ...closed, required: ['items'] },
      ),
    });
    expect(incompatibilities(after, before)).toEqual([
      {
        path: 'payload.items[].quantity',
        change: 'TYPE_CHANGED',
        detail: 'type changed from integer to string',
      },
      {
        path: 'payload.note',
        change: 'TYPE_CHANGED',
        detail: 'type changed from string to number or null',
      },
    ]);
  });

  it('reads FORWARD as the same check the other way round: an added optional field is not forward compatible in a closed model', () => {
    const v1 = obj({ foo: str }, closed);
    const v2 = obj({ foo: str, bar: num }, closed);
    expect(incompatibilities(v2, v1)).toEqual([]);
    expect(incompatibilities(v1, v2)).toEqual([
      {
        path: 'bar',
        change: 'FIELD_REMOVED',
        detail:
          'an optional field was removed from a closed model: records that carry it would be refused',
      },
    ]);
  });
});
