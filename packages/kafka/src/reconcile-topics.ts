import kafkajs from 'kafkajs';
import { desiredTopics } from '@datapark/events';
import type { KafkaConnection } from './create-kafka.js';
import { createKafka } from './create-kafka.js';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { ConfigResourceTypes } = kafkajs;

export interface ReconcileReport {
  readonly created: readonly string[];
  readonly unchanged: readonly string[];
  /** Differences left alone: `order-events: 3 partitions, the catalog wants 6`. */
  readonly drift: readonly string[];
}

/**
 * Makes the cluster hold every topic of the catalog (and each DLQ): creates what is missing
 * and reports what differs. It never deletes a topic or shrinks anything: that is the
 * operator's call.
 */
export async function reconcileTopics(connection: KafkaConnection): Promise<ReconcileReport> {
  const admin = createKafka({
    ...connection,
    clientId: connection.clientId ?? 'datapark-reconcile',
  }).admin();
  await admin.connect();
  try {
    // Right after a cluster forms, a broker that has not yet seen the new topics' metadata
    // answers UNKNOWN_TOPIC_OR_PARTITION while kafkajs waits for their leaders, and kafkajs only
    // retries LEADER_NOT_AVAILABLE there (seen in a fresh clone's CI). Reconciling is
    // idempotent, so the whole pass is repeated for such retriable errors.
    for (let attempt = 1; ; attempt++) {
      try {
        return await reconcileOnce(admin);
      } catch (error) {
        const retriable = (error as { retriable?: boolean }).retriable === true;
        if (!retriable || attempt >= RECONCILE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

const RECONCILE_ATTEMPTS = 5;

async function reconcileOnce(admin: kafkajs.Admin): Promise<ReconcileReport> {
  const existing = new Set(await admin.listTopics());
  const wanted = desiredTopics();
  const missing = wanted.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  const present = wanted.filter((t) => existing.has(t.name));
  const drift: string[] = [];
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((t) => ({
        type: ConfigResourceTypes.TOPIC,
        name: t.name,
        configNames: Object.keys(t.configs),
      })),
    });
    for (const t of present) {
      const meta = metadata.topics.find((m) => m.name === t.name);
      const partitions = meta?.partitions.length ?? 0;
      if (partitions !== t.partitions)
        drift.push(`${t.name}: ${partitions} partitions, the catalog wants ${t.partitions}`);
      const replicas = meta?.partitions[0]?.replicas.length ?? 0;
      if (replicas !== t.replicationFactor) {
        drift.push(
          `${t.name}: replication factor ${replicas}, the catalog wants ${t.replicationFactor}`,
        );
      }
      const entries = configs.resources.find((r) => r.resourceName === t.name)?.configEntries ?? [];
      for (const [name, value] of Object.entries(t.configs)) {
        const actual = entries.find((e) => e.configName === name)?.configValue;
        if (actual !== value)
          drift.push(`${t.name}: ${name}=${actual}, the catalog wants ${value}`);
      }
    }
  }
  return {
    created: missing.map((t) => t.name),
    unchanged: present.map((t) => t.name).filter((n) => !drift.some((d) => d.startsWith(`${n}:`))),
    drift,
  };
}
