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
 * The envelope every event shares. `payload` is refined per event type in the topic schemas,
 * and `schema_version` is pinned per version there (see {@link eventSchema}).
 */
export const EnvelopeFields = {
  event_id: z.uuid(),
  /** Which version of its event type's contract the event follows (docs/contracts.md). */
  schema_version: z.number().int().positive(),
  /** When it happened in the shop, ISO 8601 with offset. */
  occurred_at: z.iso.datetime({ offset: true }),
  /** Which program produced it, e.g. `event-generator/0.1.0`. */
  producer: Text.min(1),
} as const;

/**
 * Builds the schema of one version of an event type: the envelope with its literal type and
 * version, and the payload. Versions start at 1; a new version is a new schema next to the old
 * one, never an edit of a published one (docs/contracts.md).
 *
 * @example
 * ```ts
 * export const PageViewV1 = eventSchema('page_view', PageViewPayload);
 * export const PageViewV2 = eventSchema('page_view', PageViewPayload.extend({ device: Device.optional() }), 2);
 * ```
 */
export function eventSchema<T extends string, P extends z.ZodType, V extends number = 1>(
  eventType: T,
  payload: P,
  version: V = 1 as V,
) {
  return z
    .object({
      ...EnvelopeFields,
      schema_version: z.literal(version),
      event_type: z.literal(eventType),
      payload,
    })
    .strict();
}
