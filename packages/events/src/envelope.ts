import { z } from 'zod';

/** A money amount as a decimal string with two places: "19.99". Never a float. */
export const Money = z
  .string()
  .regex(/^\d{1,10}\.\d{2}$/, 'expected a decimal amount like "19.99"');
export const Id = z.uuid();

/**
 * Free text. It refuses U+0000 and unpaired surrogates at the edge: PostgreSQL, where every
 * event lands, cannot store either in text or jsonb (SQLSTATE 22021, 22P05), and no UTF-8
 * reader can decode a lone surrogate. A producer learns it from the field's name at send time
 * rather than from the DLQ later; ingest still dead-letters such records from untyped producers.
 */
export const Text = z.string().refine((s) => !s.includes('\u0000') && s.isWellFormed(), {
  message: 'must not contain U+0000 (NUL) or an unpaired surrogate: PostgreSQL cannot store them',
});

/**
 * The envelope every event shares. `payload` is refined per event type in the topic schemas.
 */
export const EnvelopeFields = {
  event_id: z.uuid(),
  schema_version: z.number().int().positive(),
  /** When it happened in the shop, ISO 8601 with offset. */
  occurred_at: z.iso.datetime({ offset: true }),
  /** Which program produced it, e.g. `event-generator/0.1.0`. */
  producer: Text.min(1),
} as const;

/** Builds the schema of one event type: the envelope plus its literal type and payload. */
export function eventSchema<T extends string, P extends z.ZodType>(eventType: T, payload: P) {
  return z.object({ ...EnvelopeFields, event_type: z.literal(eventType), payload }).strict();
}

export const SCHEMA_VERSION = 1;
