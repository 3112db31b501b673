import { readdirSync, readFileSync } from 'node:fs';
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

describe('the contract catalog the chart ships (docs/contracts.md)', () => {
  const CONTRACTS = join(ROOT, 'packages', 'events', 'contracts');

  it('is a ConfigMap of its own, not a hook, holding every published version of every subject as committed', async () => {
    const { manifests } = await renderProfile('default');
    const configMap = manifests.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name === 'dp-kafka-contracts',
    );
    expect(configMap).toBeDefined();
    expect(configMap!.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    const shipped = JSON.parse(configMap!.data!['contracts.json']!) as {
      subjects: {
        subject: string;
        topic: string;
        compatibility: string;
        versions: { version: number; schema: unknown }[];
      }[];
    };
    const committed = readdirSync(CONTRACTS).sort();
    expect(shipped.subjects.map((s) => s.subject).sort()).toEqual(committed);
    for (const subject of shipped.subjects) {
      const files = readdirSync(join(CONTRACTS, subject.subject)).sort();
      expect(subject.versions.map((v) => `v${v.version}.json`)).toEqual(files);
      for (const { version, schema } of subject.versions)
        expect(schema).toEqual(
          JSON.parse(readFileSync(join(CONTRACTS, subject.subject, `v${version}.json`), 'utf8')),
        );
      const topic = catalog.topics.find((t) => t.name === subject.topic) as unknown as {
        compatibility: string;
      };
      expect(subject.compatibility).toBe(topic.compatibility);
    }
    expect(configMap!.data!['contracts.txt']).toContain(
      'clickstream-page_view clickstream BACKWARD_TRANSITIVE v1,v2',
    );
  });

  it('is mounted into the topics Job', async () => {
    const { manifests } = await renderProfile('default');
    const job = manifests.find((m) => m.kind === 'Job' && m.metadata.name === 'dp-kafka-topics')!;
    const pod = (
      job.spec as {
        template: {
          spec: {
            volumes: { name: string; configMap?: { name: string } }[];
            containers: { volumeMounts: { name: string; mountPath: string }[] }[];
          };
        };
      }
    ).template.spec;
    expect(pod.volumes).toContainEqual({
      name: 'contracts',
      configMap: { name: 'dp-kafka-contracts' },
    });
    expect(pod.containers[0]!.volumeMounts).toContainEqual({
      name: 'contracts',
      mountPath: '/opt/datapark-contracts',
    });
  });
});
