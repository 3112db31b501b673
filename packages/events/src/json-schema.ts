import { z } from 'zod';
import { desiredTopics, TOPIC_CATALOG, TOPIC_NAMES } from './catalog.js';

/**
 * The catalog as JSON: every topic's settings and its events' JSON Schema (draft 2020-12), for
 * the PySpark jobs, the charts' topic job and the docs. Committed under json-schema/ and
 * checked for staleness by the tests.
 */
export function exportCatalog() {
  return {
    $comment:
      'Generated from @datapark/events (packages/events/src). Regenerate: npx nx run events:export-schemas',
    topics: TOPIC_NAMES.map((name) => {
      const spec = TOPIC_CATALOG[name];
      return {
        name,
        key: spec.key,
        partitions: spec.partitions,
        replication_factor: spec.replicationFactor,
        configs: spec.configs,
        dlq: spec.dlq,
        schema: z.toJSONSchema(spec.schema),
      };
    }),
    all_topics: desiredTopics(),
  };
}
