import type { Incompatibility } from './compatibility.js';
import { incompatibilities } from './compatibility.js';
import type { JsonSchema } from './json-schema-of.js';

/**
 * Confluent Schema Registry's compatibility types, with the same meaning:
 *
 * - `BACKWARD`: a reader of the new version reads records of the previous one (upgrade
 *   consumers first); `BACKWARD_TRANSITIVE`: of every earlier version.
 * - `FORWARD`: a reader of the previous version reads records of the new one (upgrade
 *   producers first); `FORWARD_TRANSITIVE`: readers of every earlier version do.
 * - `FULL` / `FULL_TRANSITIVE`: both.
 * - `NONE`: no check.
 *
 * https://docs.confluent.io/platform/current/schema-registry/fundamentals/schema-evolution.html
 */
export const COMPATIBILITY_RULES = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type CompatibilityRule = (typeof COMPATIBILITY_RULES)[number];

/** One published version of a subject, as JSON Schema. */
export interface PublishedVersion {
  readonly version: number;
  readonly schema: JsonSchema;
}

/** A pair of versions that breaks a subject's rule, and every field where it breaks. */
export interface RuleViolation {
  readonly subject: string;
  readonly rule: CompatibilityRule;
  /** The version whose schema reads… */
  readonly readerVersion: number;
  /** …records written with this one. */
  readonly writerVersion: number;
  readonly incompatibilities: readonly Incompatibility[];
}

/**
 * Checks every version of a subject against the versions before it, as its rule says: each
 * version `n` against `n - 1` (or against every earlier one for the `_TRANSITIVE` rules),
 * reading the older records with the newer schema (BACKWARD), the newer ones with the older
 * schema (FORWARD), or both (FULL).
 */
export function checkRule(
  subject: string,
  rule: CompatibilityRule,
  versions: readonly PublishedVersion[],
): RuleViolation[] {
  if (rule === 'NONE') return [];
  const transitive = rule.endsWith('_TRANSITIVE');
  const backward = rule.startsWith('BACKWARD') || rule.startsWith('FULL');
  const forward = rule.startsWith('FORWARD') || rule.startsWith('FULL');
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const violations: RuleViolation[] = [];
  const check = (reader: PublishedVersion, writer: PublishedVersion) => {
    const found = incompatibilities(unpinned(reader.schema), unpinned(writer.schema));
    if (found.length > 0)
      violations.push({
        subject,
        rule,
        readerVersion: reader.version,
        writerVersion: writer.version,
        incompatibilities: found,
      });
  };
  sorted.forEach((newer, i) => {
    const earlier = transitive ? sorted.slice(0, i) : sorted.slice(Math.max(0, i - 1), i);
    for (const older of earlier) {
      if (backward) check(newer, older);
      if (forward) check(older, newer);
    }
  });
  return violations;
}

/**
 * The schema with its `schema_version` literal opened up. Each version pins its own number, so
 * the literal always differs between versions: that is how a reader tells them apart, not a
 * change of the data the rule is about.
 */
function unpinned(schema: JsonSchema): JsonSchema {
  if (typeof schema === 'boolean') return schema;
  const properties = schema.properties as Record<string, unknown> | undefined;
  if (!properties?.schema_version) return schema;
  return {
    ...schema,
    properties: { ...properties, schema_version: { type: 'integer', minimum: 1 } },
  };
}

/**
 * A violation as a person reads it, one line per field:
 * `clickstream-page_view: v2 breaks BACKWARD_TRANSITIVE: a v2 reader refuses v1 records: payload.page: TYPE_CHANGED (type changed from string to number)`.
 */
export function describeViolation(violation: RuleViolation): string {
  const head = `${violation.subject}: v${Math.max(violation.readerVersion, violation.writerVersion)} breaks ${violation.rule}: a v${violation.readerVersion} reader refuses v${violation.writerVersion} records`;
  return violation.incompatibilities
    .map((i) => `${head}: ${i.path}: ${i.change} (${i.detail})`)
    .join('\n');
}
