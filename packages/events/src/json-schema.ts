import { desiredTopics, TOPIC_CATALOG, TOPIC_NAMES } from './catalog.js';
import { jsonSchemaOf } from './contracts/json-schema-of.js';
import { CONTRACTS } from './contracts/subjects.js';

/**
 * The catalog as JSON: every topic's settings, its compatibility rule, its subjects with their
 * published versions, and one JSON Schema (draft 2020-12) whose `oneOf` holds every version of
 * every event type, for the PySpark jobs, the charts' topic job and the docs. Committed under
 * json-schema/ and checked for staleness by the tests; each version's own schema is published
 * under contracts/ (docs/contracts.md).
 */
export function exportCatalog() {
  return {
    $comment:
      'Generated from @datapark/events (packages/events/src). Regenerate: npx nx run events:export-schemas',
    topics: TOPIC_NAMES.map((name) => {
      const spec = TOPIC_CATALOG[name];
      const contracts = CONTRACTS.filter((c) => c.topic === name);
      return {
        name,
        key: spec.key,
        partitions: spec.partitions,
        replication_factor: spec.replicationFactor,
        configs: spec.configs,
        dlq: spec.dlq,
        compatibility: spec.compatibility,
        subjects: contracts.map((c) => ({
          subject: c.subject,
          event_type: c.eventType,
          versions: c.versions.map((v) => v.version),
        })),
        schema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          oneOf: contracts.flatMap((c) =>
            c.versions.map((v) => {
              const { $schema: _, ...schema } = jsonSchemaOf(v.schema);
              return schema;
            }),
          ),
        },
      };
    }),
    all_topics: desiredTopics(),
  };
}
