import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, renderProfile } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

interface CatalogTopic {
  name: string;
  partitions: number;
  replication_factor: number;
  configs: Record<string, string>;
  dlq: string;
}
interface Catalog {
  topics: CatalogTopic[];
  all_topics: {
    name: string;
    partitions: number;
    replicationFactor: number;
    configs: Record<string, string>;
  }[];
}

const catalog = JSON.parse(
  readFileSync(join(ROOT, 'packages', 'events', 'json-schema', 'catalog.json'), 'utf8'),
) as Catalog;

/** The topics Job's topics.txt, parsed: name, partitions, replication, configs. */
function jobTopics(manifests: readonly Manifest[]) {
  const configMap = manifests.find(
    (m) => m.kind === 'ConfigMap' && m.metadata.name === 'dp-kafka-topics',
  );
  if (!configMap) throw new Error('the topics ConfigMap was not rendered');
  return configMap
    .data!['topics.txt']!.split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [name, partitions, replication, configs = ''] = line.trim().split(/\s+/);
      return {
        name: name!,
        partitions: Number(partitions),
        replicationFactor: Number(replication),
        configs: Object.fromEntries(
          configs
            .split(',')
            .filter(Boolean)
            .map((kv) => kv.split('=') as [string, string]),
        ),
      };
    });
}

describe('the Kafka topics Job', () => {
  it('creates exactly the topics of the events catalog, each with its partitions, replication and configs', async () => {
    const topics = jobTopics((await renderProfile('default')).manifests);
    const expected = catalog.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replication_factor,
      configs: t.configs,
    }));
    for (const topic of expected) expect(topics).toContainEqual(topic);
  });

  it('creates every dead-letter topic the catalog names, as the catalog configures it', async () => {
    const topics = jobTopics((await renderProfile('default')).manifests);
    for (const t of catalog.topics) {
      const dlq = catalog.all_topics.find((a) => a.name === t.dlq);
      expect(dlq).toBeDefined();
      expect(topics).toContainEqual(dlq);
    }
    expect(topics.map((t) => t.name).sort()).toEqual(catalog.all_topics.map((t) => t.name).sort());
  });

  it('runs after the brokers exist and talks to every broker', async () => {
    const { manifests } = await renderProfile('default');
    const script = manifests.find(
      (m) => m.metadata.name === 'dp-kafka-topics' && m.kind === 'ConfigMap',
    )!.data!['topics.sh']!;
    for (const i of [0, 1, 2])
      expect(script).toContain(`dp-kafka-${i}.dp-kafka-headless.datapark.svc.cluster.local:9092`);
    expect(script).toContain('--if-not-exists');
    expect(script).toContain('--add-config');
    const job = manifests.find((m) => m.kind === 'Job' && m.metadata.name === 'dp-kafka-topics')!;
    expect(job.metadata.annotations?.['helm.sh/hook']).toContain('post-install');
  });

  it("keeps the brokers at the catalog's durability: min.insync.replicas 2 of 3 replicas", async () => {
    const { manifests } = await renderProfile('default');
    const start = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'dp-kafka')!
      .data!['start.sh']!;
    expect(start).toContain('min.insync.replicas=2');
    expect(start).toContain('default.replication.factor=3');
    expect(start).toContain('process.roles=broker,controller');
    expect(start).toMatch(
      /controller\.quorum\.voters=0@dp-kafka-0\.[^,]+:9093,1@dp-kafka-1\.[^,]+:9093,2@dp-kafka-2\.[^,]+:9093\n/,
    );
  });
});
