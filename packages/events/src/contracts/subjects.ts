import type { z } from 'zod';
import type { TopicName } from '../catalog.js';
import { TOPIC_CATALOG, TOPIC_NAMES } from '../catalog.js';
import type { CompatibilityRule } from './rules.js';

/** One version of an event type's contract: the zod schema of the whole event. */
export interface ContractVersion {
  readonly version: number;
  readonly schema: z.ZodObject;
}

/**
 * An event type's contract: its subject name, the topic that carries it, every version the
 * zod schemas define (oldest first) and the topic's compatibility rule.
 */
export interface Contract {
  /** `<topic>-<event_type>`, e.g. `clickstream-page_view` (Confluent's TopicRecordNameStrategy). */
  readonly subject: string;
  readonly topic: TopicName;
  readonly eventType: string;
  readonly versions: readonly ContractVersion[];
  readonly compatibility: CompatibilityRule;
}

/** The subject of an event type on a topic: `clickstream-page_view`. */
export function subjectName(topic: string, eventType: string): string {
  return `${topic}-${eventType}`;
}

/**
 * Every event type's contract, read off the topic schemas: a topic schema is a discriminated
 * union on `event_type` whose options are one event schema, or a union on `schema_version` of
 * its versions. Versions must run 1, 2, … without gaps: a gap is a bug in the schemas.
 */
export const CONTRACTS: readonly Contract[] = Object.freeze(
  TOPIC_NAMES.flatMap((topic) => contractsOfTopic(topic)),
);

const BY_SUBJECT = new Map(CONTRACTS.map((c) => [c.subject, c]));

/** The contract of a subject, or undefined. */
export function findContract(subject: string): Contract | undefined {
  return BY_SUBJECT.get(subject);
}

/** The contract of an event type on a topic, or undefined when the topic has no such type. */
export function contractOf(topic: TopicName, eventType: string): Contract | undefined {
  return BY_SUBJECT.get(subjectName(topic, eventType));
}

/** The newest version of a contract. */
export function latestVersion(contract: Contract): number {
  return contract.versions.at(-1)!.version;
}

function contractsOfTopic(topic: TopicName): Contract[] {
  const spec = TOPIC_CATALOG[topic];
  const byType = new Map<string, ContractVersion[]>();
  for (const option of unionOptions(spec.schema)) {
    for (const schema of isObject(option) ? [option] : unionOptions(option).filter(isObject)) {
      const eventType = literalOf(schema, 'event_type');
      const version = literalOf(schema, 'schema_version');
      if (typeof eventType !== 'string' || typeof version !== 'number')
        throw new TypeError(
          `${topic}: every event schema needs a literal event_type and schema_version (use eventSchema())`,
        );
      const versions = byType.get(eventType) ?? [];
      versions.push({ version, schema });
      byType.set(eventType, versions);
    }
  }
  return [...byType].map(([eventType, versions]) => {
    const subject = subjectName(topic, eventType);
    versions.sort((a, b) => a.version - b.version);
    versions.forEach((v, i) => {
      if (v.version !== i + 1)
        throw new TypeError(
          `${subject}: versions must run 1, 2, … without gaps; found ${versions.map((x) => x.version).join(', ')}`,
        );
    });
    return Object.freeze({
      subject,
      topic,
      eventType,
      versions: Object.freeze(versions),
      compatibility: spec.compatibility,
    });
  });
}

function isObject(schema: unknown): schema is z.ZodObject {
  return typeof schema === 'object' && schema !== null && 'shape' in schema;
}

function unionOptions(schema: unknown): readonly unknown[] {
  const options = (schema as { options?: unknown }).options;
  if (!Array.isArray(options))
    throw new TypeError('a topic schema must be a discriminated union on event_type');
  return options;
}

function literalOf(schema: z.ZodObject, key: string): unknown {
  const field = schema.shape[key] as { value?: unknown } | undefined;
  return field?.value;
}
