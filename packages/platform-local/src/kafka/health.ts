import kafkajs from 'kafkajs';
import type { ComponentContext } from '@datapark/platform';
import { waitUntil } from '../wait-until.js';
import { NAME } from './nodes.js';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { Kafka, logLevel } = kafkajs;

/** The cluster as its brokers see it: how many brokers, and whether a controller is active. */
export async function describeKafkaCluster(bootstrapServers: readonly string[]) {
  const kafka = new Kafka({
    clientId: 'datapark-platform',
    brokers: [...bootstrapServers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.map((b) => b.nodeId).sort(), controller: cluster.controller };
  } finally {
    await admin.disconnect();
  }
}

/** True when `expected` brokers are registered and a controller is active. */
async function brokersHealthy(ctx: ComponentContext, expected: number): Promise<boolean> {
  const cluster = await describeKafkaCluster(ctx.config.kafka.bootstrapServers);
  return (
    cluster.brokers.length === expected && cluster.controller !== null && cluster.controller >= 0
  );
}

/** Waits (with progress) until `expected` brokers are registered and a controller is active. */
export function waitForBrokers(ctx: ComponentContext, expected: number) {
  return waitUntil(() => brokersHealthy(ctx, expected), {
    component: NAME,
    what: `${expected} brokers and an active controller`,
    timeoutMs: 180_000,
    reporter: ctx.reporter,
    fix: `see ${ctx.logDir}/kafka-*.log`,
  });
}
