import { z } from 'zod';

/** A money amount as a decimal string with two places: "19.99". Never a float. */
export const Money = z
  .string()
  .regex(/^\d{1,10}\.\d{2}$/, 'expected a decimal amount like "19.99"');
export const Id = z.uuid();

/**
 * The envelope every event shares. `payload` is refined per event type in the topic schemas.
 */
export const EnvelopeFields = {
  event_id: z.uuid(),
  schema_version: z.number().int().positive(),
  /** When it happened in the shop, ISO 8601 with offset. */
  occurred_at: z.iso.datetime({ offset: true }),
  /** Which program produced it, e.g. `event-generator/0.1.0`. */
  producer: z.string().min(1),
} as const;

/** Builds the schema of one event type: the envelope plus its literal type and payload. */
export function eventSchema<T extends string, P extends z.ZodType>(eventType: T, payload: P) {
  return z.object({ ...EnvelopeFields, event_type: z.literal(eventType), payload }).strict();
}

export const SCHEMA_VERSION = 1;
