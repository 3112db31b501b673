// kafka/files/topics/topics.json: every topic of the events catalog and its dead-letter topic,
// which the topics Job creates, grows and configures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatorName, ROOT } from './files.ts';
import type { Delivery } from './files.ts';

/** What the topics Job reads of a topic in `all_topics` of the catalog JSON. */
interface CatalogTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

const CATALOG = 'packages/events/json-schema/catalog.json';

export const kafkaTopics: Delivery = {
  folder: 'kafka/files/topics',
  generatedBy: generatorName(import.meta.filename),
  build() {
    const catalog = JSON.parse(readFileSync(join(ROOT, CATALOG), 'utf8')) as {
      all_topics: readonly CatalogTopic[];
    };
    const topics = catalog.all_topics.map((t) => ({
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      configs: t.configs,
    }));
    return {
      'topics.json': { content: JSON.stringify({ topics }, null, 2) + '\n', source: CATALOG },
    };
  },
};
