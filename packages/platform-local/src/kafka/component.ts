import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentStatus, LocalComponent, UnitStatus } from '@datapark/platform';
import { PrerequisiteError } from '@datapark/platform';
import { stopDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { describeKafkaCluster, waitForBrokers } from './health.js';
import {
  kafkaJarsDir,
  kafkaLogFile,
  kafkaNodeOf,
  kafkaNodes,
  kafkaPidFile,
  kafkaPorts,
  NAME,
  NODES,
} from './nodes.js';
import { reconcileCatalogTopics } from './provisioning.js';
import { kafkaJava, startKafkaNode } from './units.js';

/**
 * Apache Kafka 4 (jars from Maven Central) as three combined broker+controller KRaft nodes on
 * loopback; topics reconciled with the catalog of @datapark/events.
 */
export function kafkaComponent(): LocalComponent {
  return {
    name: NAME,
    description: 'Apache Kafka 4 (Maven Central jars), 3 KRaft nodes',
    dependsOn: [],
    units: NODES.map((id) => `kafka-${id}`),

    async checkPrerequisites(ctx) {
      kafkaJava();
      const jars = kafkaJarsDir(ctx);
      if (!existsSync(join(jars, 'kafka-server-4.3.1.jar')) && !existsSync(jars)) {
        throw new PrerequisiteError(
          `the Kafka jars are not in ${jars}`,
          NAME,
          'bash tools/ci/maven.sh (resolves them from Maven Central)',
        );
      }
    },

    async start(ctx) {
      ctx.publish({ kafka: { bootstrapServers: [...ctx.config.kafka.bootstrapServers] } });
      const all = kafkaNodes(ctx);
      let started = 0;
      for (const node of all) if (await startKafkaNode(ctx, node, all)) started++;
      if (started === 0) ctx.reporter.step(NAME, 'all three nodes already running');
      await waitForBrokers(ctx, all.length);
    },

    provision: reconcileCatalogTopics,

    async stop(ctx) {
      // All at once: stopped one by one, the last node waits for a controller quorum that is
      // gone and only the kill after the grace period ends it.
      await Promise.all(kafkaNodes(ctx).map((node) => stopDaemon(kafkaPidFile(node), 30_000)));
    },

    async startUnit(ctx, unit) {
      const all = kafkaNodes(ctx);
      await startKafkaNode(ctx, kafkaNodeOf(ctx, unit), all);
      const running = all.filter((n) => runningPid(kafkaPidFile(n))).length;
      await waitForBrokers(ctx, running);
    },

    async stopUnit(ctx, unit) {
      await stopDaemon(kafkaPidFile(kafkaNodeOf(ctx, unit)), 60_000);
    },

    async status(ctx): Promise<ComponentStatus> {
      const all = kafkaNodes(ctx);
      let registered: number[] = [];
      try {
        registered = (await describeKafkaCluster(ctx.config.kafka.bootstrapServers)).brokers;
      } catch {
        registered = [];
      }
      const units: UnitStatus[] = all.map((n) => {
        const pid = runningPid(kafkaPidFile(n));
        const state = pid ? (registered.includes(n.id) ? 'running' : 'degraded') : 'stopped';
        return { name: n.unit, state, detail: `${n.host}:${n.port}`, ...(pid ? { pid } : {}) };
      });
      const up = units.filter((u) => u.state === 'running').length;
      return {
        component: NAME,
        state:
          up === all.length
            ? 'running'
            : up === 0 && units.every((u) => u.state === 'stopped')
              ? 'stopped'
              : 'degraded',
        endpoint: ctx.config.kafka.bootstrapServers.join(','),
        units,
        detail: `${registered.length}/3 brokers registered`,
      };
    },

    ports: kafkaPorts,

    logFiles(ctx) {
      return kafkaNodes(ctx).map((n) => kafkaLogFile(ctx, n));
    },
  };
}
