// kafka/files/topics/topics.json: every topic of the events catalog and its dead-letter topic,
// which the topics Job creates, grows and configures; contracts.json and contracts.txt: the
// contract catalog (every published version of every event type, docs/contracts.md), which the
// chart ships in a ConfigMap of its own next to the topics.
import { readFileSync, readdirSync } from 'node:fs';
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

/** What the contract catalog needs of a topic in `topics` of the catalog JSON. */
interface CatalogTopicContracts {
  readonly name: string;
  readonly compatibility: string;
  readonly subjects: readonly {
    readonly subject: string;
    readonly event_type: string;
    readonly versions: readonly number[];
  }[];
}

const CATALOG = 'packages/events/json-schema/catalog.json';
const CONTRACTS = 'packages/events/contracts';

/**
 * Every subject with its topic, rule and published versions, each version's JSON Schema read
 * from its committed file; and one line a subject (`subject topic rule v1,v2`) for the Job's log.
 */
function contractCatalog(topics: readonly CatalogTopicContracts[]) {
  const subjects = topics.flatMap((topic) =>
    topic.subjects.map((s) => {
      const published = readdirSync(join(ROOT, CONTRACTS, s.subject))
        .map((file) => /^v([1-9]\d*)\.json$/.exec(file)?.[1])
        .filter((v): v is string => v !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      if (published.join() !== s.versions.join())
        throw new Error(
          `${CONTRACTS}/${s.subject} holds versions ${published.join(', ')} but the catalog names ${s.versions.join(', ')}: run npx nx run events:export-schemas`,
        );
      return {
        subject: s.subject,
        topic: topic.name,
        event_type: s.event_type,
        compatibility: topic.compatibility,
        versions: published.map((version) => ({
          version,
          schema: JSON.parse(
            readFileSync(join(ROOT, CONTRACTS, s.subject, `v${version}.json`), 'utf8'),
          ) as unknown,
        })),
      };
    }),
  );
  const lines = subjects.map(
    (s) =>
      `${s.subject} ${s.topic} ${s.compatibility} ${s.versions.map((v) => `v${v.version}`).join(',')}`,
  );
  return { json: JSON.stringify({ subjects }) + '\n', txt: lines.join('\n') + '\n' };
}

export const kafkaTopics: Delivery = {
  folder: 'kafka/files/topics',
  generatedBy: generatorName(import.meta.filename),
  build() {
    const catalog = JSON.parse(readFileSync(join(ROOT, CATALOG), 'utf8')) as {
      topics: readonly CatalogTopicContracts[];
      all_topics: readonly CatalogTopic[];
    };
    const contracts = contractCatalog(catalog.topics);
    const topics = catalog.all_topics.map((t) => ({
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      configs: t.configs,
    }));
    return {
      'topics.json': { content: JSON.stringify({ topics }, null, 2) + '\n', source: CATALOG },
      'contracts.json': { content: contracts.json, source: CONTRACTS },
      'contracts.txt': { content: contracts.txt, source: CONTRACTS },
    };
  },
};
