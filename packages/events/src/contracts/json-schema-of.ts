import { z } from 'zod';

/** A JSON Schema document (draft 2020-12), as zod exports it. */
export type JsonSchema = { readonly [keyword: string]: unknown } | boolean;

/**
 * The JSON Schema (draft 2020-12) of a zod schema, as the contracts publish it. zod exports a
 * number literal as `"type": "number"`; an integer literal (our `schema_version`) is written as
 * `"type": "integer"`, so readers such as Spark type the envelope's version as a whole number.
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    override(ctx) {
      const def = ctx.zodSchema._zod.def as { type: string; values?: readonly unknown[] };
      if (def.type === 'literal' && def.values?.every((v) => Number.isInteger(v)))
        ctx.jsonSchema.type = 'integer';
    },
  }) as Record<string, unknown>;
}
