import { z } from 'zod';
import { GeneratorError } from './generator-error.js';

/**
 * The contract versions the shop can emit besides version 1, per event type. Emitting a newer
 * version means filling its new fields, which is code: a version appears here once the shop
 * does (docs/contracts.md walks through page_view v2).
 */
export const EMITTABLE_VERSIONS: Readonly<Record<string, readonly number[]>> = Object.freeze({
  page_view: [1, 2],
});

/** `{ page_view: 2 }`: which version of an event type to emit; every other type is at 1. */
const SchemaVersions = z.record(z.string(), z.number().int().positive()).superRefine((map, ctx) => {
  for (const [eventType, version] of Object.entries(map)) {
    const emittable = EMITTABLE_VERSIONS[eventType] ?? [1];
    if (!emittable.includes(version))
      ctx.addIssue({
        code: 'custom',
        path: [eventType],
        message: `the generator emits ${eventType} at version ${emittable.join(' or ')}, not ${version}`,
      });
  }
});

/** The knobs of the simulated shop. Rates are per simulated hour unless named otherwise. */
export const SimulationConfig = z
  .object({
    seed: z.union([z.string(), z.number()]).default(42),
    /** Simulated time of the first event. */
    start: z.iso.datetime({ offset: true }).default('2026-11-01T00:00:00.000Z'),
    products: z.number().int().min(1).max(100_000).default(200),
    customersPerHour: z.number().positive().default(120),
    /** Customers who leave (customer_deleted; their row is kept with deleted_at set). */
    customerDeletionsPerHour: z.number().min(0).default(4),
    sessionsPerHour: z.number().positive().default(1_200),
    /** Share of sessions by anonymous visitors (they browse, never order). */
    anonymousShare: z.number().min(0).max(1).default(0.3),
    /** Share of a registered customer's sessions that end in an order. */
    conversionRate: z.number().min(0).max(1).default(0.1),
    cancelRate: z.number().min(0).max(1).default(0.05),
    refundRate: z.number().min(0).max(1).default(0.03),
    priceChangesPerHour: z.number().min(0).default(10),
    restocksPerHour: z.number().min(0).default(10),
    discontinuedPerDay: z.number().min(0).default(1),
    /** New products (product_created); as many as are discontinued keeps the catalog's size. */
    launchesPerDay: z.number().min(0).default(1),
    /**
     * Customers who still shop. Past it, each registration retires a random one: no event, their
     * row stays, they are just not picked for sessions again. It bounds the generator's memory:
     * without it, every customer ever registered is kept (about 300 B each).
     */
    maxActiveCustomers: z.number().int().min(10).default(20_000),
    producer: z.string().min(1).default('event-generator/0.1.0'),
    /**
     * The contract version to emit per event type (`--schema-version page_view=2`); version 1
     * when not named, so a seed's output stays what it was.
     */
    schemaVersions: SchemaVersions.default({}),
  })
  .strict();

export type SimulationConfig = z.infer<typeof SimulationConfig>;

/** Validates a partial config, naming the field and the fix on error. */
export function parseSimulationConfig(input: unknown, source = 'config'): SimulationConfig {
  const result = SimulationConfig.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('\n');
  throw new GeneratorError(`Invalid event-generator ${source}:\n${problems}`, {
    code: 'SIMULATION_CONFIG_INVALID',
    hint: 'the fields and their ranges are in docs/event-generator.md',
  });
}
