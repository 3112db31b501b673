import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import kafkajs from 'kafkajs';
import { reconcileTopics } from '@datapark/kafka';
import { PlatformError, PrerequisiteError } from '../../errors.js';
import type {
  ComponentContext,
  ComponentStatus,
  LocalComponent,
  UnitStatus,
} from '../component.js';
import { runningPid, startDaemon, stopDaemon } from '../daemon.js';
import { assertPortFree } from '../ports.js';
import { requireExecutable } from '../prerequisites.js';
import { waitUntil } from '../wait-until.js';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { Kafka, logLevel } = kafkajs;

const NAME = 'kafka';
const NODES = [1, 2, 3] as const;
/** Each node's controller listener sits this far above its broker port. */
const CONTROLLER_PORT_OFFSET = 100;

interface KafkaNode {
  readonly id: number;
  readonly unit: string;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
}

function nodes(ctx: ComponentContext): KafkaNode[] {
  const servers = ctx.config.kafka.bootstrapServers;
  if (servers.length !== NODES.length) {
    throw new PlatformError(
      `the local Kafka cluster has ${NODES.length} nodes, but DATAPARK_KAFKA_BOOTSTRAP_SERVERS lists ${servers.length}`,
      NAME,
      'list three host:port pairs, e.g. 127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094',
    );
  }
  return NODES.map((id, i) => {
    const [host, port] = servers[i]!.split(':') as [string, string];
    return {
      id,
      unit: `kafka-${id}`,
      host,
      port: Number(port),
      controllerPort: Number(port) + CONTROLLER_PORT_OFFSET,
      dir: join(ctx.dir, `kafka-${id}`),
    };
  });
}

function jarsDir(ctx: ComponentContext): string {
  return join(ctx.workspaceRoot, '.tools', 'jars', 'kafka');
}

/** A KRaft cluster id: 16 random bytes, base64url (Kafka's Uuid.toString form). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(
  ctx: ComponentContext,
  node: KafkaNode,
  all: readonly KafkaNode[],
): string {
  const voters = all.map((n) => `${n.id}@${n.host}:${n.controllerPort}`).join(',');
  return [
    '# Written by the Data Park local platform: a combined broker+controller KRaft node.',
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://${node.host}:${node.port},CONTROLLER://${node.host}:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${node.host}:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(node.dir, 'data')}`,
    'num.partitions=3',
    'default.replication.factor=3',
    'min.insync.replicas=2',
    'offsets.topic.replication.factor=3',
    'transaction.state.log.replication.factor=3',
    'transaction.state.log.min.isr=2',
    'auto.create.topics.enable=false',
    'group.initial.rebalance.delay.ms=0',
    // Small machine: few threads, small segments, quick shutdown.
    'num.network.threads=2',
    'num.io.threads=4',
    'log.segment.bytes=67108864',
    'controlled.shutdown.enable=true',
    '',
  ].join('\n');
}

const LOG4J2 = `# Data Park: Kafka logs to stdout (the platform's log file), quietly.
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = info
logger.apache.name = org.apache.kafka
logger.apache.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
`;

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

/**
 * Apache Kafka 4 (jars from Maven Central) as three combined broker+controller KRaft nodes on
 * loopback; topics reconciled with the catalog of @datapark/events.
 */
export function kafkaComponent(): LocalComponent {
  const pidFile = (node: KafkaNode) => join(node.dir, 'kafka.pid');
  const logFile = (ctx: ComponentContext, node: KafkaNode) => join(ctx.logDir, `${node.unit}.log`);
  const java = () => requireExecutable(NAME, 'java', { debianPackage: 'openjdk-17-jre-headless' });

  const clusterId = (ctx: ComponentContext): string => {
    const file = join(ctx.dir, 'cluster-id');
    if (!existsSync(file)) {
      mkdirSync(ctx.dir, { recursive: true });
      writeFileSync(file, newClusterId() + '\n');
    }
    return readFileSync(file, 'utf8').trim();
  };

  const healthy = async (ctx: ComponentContext, expected: number): Promise<boolean> => {
    const cluster = await describeKafkaCluster(ctx.config.kafka.bootstrapServers);
    return (
      cluster.brokers.length === expected && cluster.controller !== null && cluster.controller >= 0
    );
  };

  const startNode = async (ctx: ComponentContext, node: KafkaNode, all: readonly KafkaNode[]) => {
    if (runningPid(pidFile(node))) return false;
    mkdirSync(node.dir, { recursive: true });
    const props = join(node.dir, 'server.properties');
    writeFileSync(props, serverProperties(ctx, node, all));
    const log4j = join(ctx.dir, 'log4j2.properties');
    writeFileSync(log4j, LOG4J2);
    const classpath = `${jarsDir(ctx)}/*`;
    if (!existsSync(join(node.dir, 'data', 'meta.properties'))) {
      ctx.reporter.step(NAME, `formatting storage of ${node.unit}`);
      const format = await execa(
        java(),
        [
          '-Xmx256m',
          `-Dlog4j2.configurationFile=${log4j}`,
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '--cluster-id',
          clusterId(ctx),
          '--config',
          props,
          '--ignore-formatted',
        ],
        { reject: false, all: true },
      );
      if (format.exitCode !== 0) {
        throw new PlatformError(
          `formatting ${node.unit} failed:\n${format.all}`,
          node.unit,
          `remove ${node.dir} and run up again`,
        );
      }
    }
    await assertPortFree(node.unit, node.host, node.port, 'DATAPARK_KAFKA_BOOTSTRAP_SERVERS');
    await assertPortFree(
      node.unit,
      node.host,
      node.controllerPort,
      'DATAPARK_KAFKA_BOOTSTRAP_SERVERS (controller ports are broker port + 100)',
    );
    ctx.reporter.step(
      NAME,
      `starting ${node.unit} on ${node.host}:${node.port} (controller ${node.controllerPort})`,
    );
    startDaemon({
      command: java(),
      args: [
        '-Xms128m',
        `-Xmx${process.env['DATAPARK_KAFKA_HEAP'] ?? '384m'}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${log4j}`,
        `-Dkafka.logs.dir=${ctx.logDir}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        props,
      ],
      pidFile: pidFile(node),
      logFile: logFile(ctx, node),
      cwd: node.dir,
    });
    return true;
  };

  const waitForBrokers = (ctx: ComponentContext, expected: number) =>
    waitUntil(() => healthy(ctx, expected), {
      component: NAME,
      what: `${expected} brokers and an active controller`,
      timeoutMs: 180_000,
      reporter: ctx.reporter,
      fix: `see ${ctx.logDir}/kafka-*.log`,
    });

  const nodeOf = (ctx: ComponentContext, unit: string) => {
    const node = nodes(ctx).find((n) => n.unit === unit);
    if (!node)
      throw new PlatformError(
        `unknown Kafka node ${unit}`,
        NAME,
        'use kafka-1, kafka-2 or kafka-3',
      );
    return node;
  };

  return {
    name: NAME,
    description: 'Apache Kafka 4 (Maven Central jars), 3 KRaft nodes',
    dependsOn: [],
    units: NODES.map((id) => `kafka-${id}`),

    async checkPrerequisites(ctx) {
      java();
      if (!existsSync(join(jarsDir(ctx), 'kafka-server-4.3.1.jar')) && !existsSync(jarsDir(ctx))) {
        throw new PrerequisiteError(
          `the Kafka jars are not in ${jarsDir(ctx)}`,
          NAME,
          'bash tools/ci/maven.sh (resolves them from Maven Central)',
        );
      }
    },

    async start(ctx) {
      ctx.publish({ kafka: { bootstrapServers: [...ctx.config.kafka.bootstrapServers] } });
      const all = nodes(ctx);
      let started = 0;
      for (const node of all) if (await startNode(ctx, node, all)) started++;
      if (started === 0) ctx.reporter.step(NAME, 'all three nodes already running');
      await waitForBrokers(ctx, all.length);
    },

    async provision(ctx) {
      ctx.reporter.step(NAME, 'reconciling topics with the catalog');
      const report = await reconcileTopics({ brokers: [...ctx.config.kafka.bootstrapServers] });
      if (report.created.length) ctx.reporter.step(NAME, `created ${report.created.join(', ')}`);
      for (const drift of report.drift) ctx.reporter.warn(NAME, `topic drift: ${drift}`);
    },

    async stop(ctx) {
      // All at once: stopped one by one, the last node waits for a controller quorum that is
      // gone and only the kill after the grace period ends it.
      await Promise.all(nodes(ctx).map((node) => stopDaemon(pidFile(node), 30_000)));
    },

    async startUnit(ctx, unit) {
      const all = nodes(ctx);
      await startNode(ctx, nodeOf(ctx, unit), all);
      const running = all.filter((n) => runningPid(pidFile(n))).length;
      await waitForBrokers(ctx, running);
    },

    async stopUnit(ctx, unit) {
      await stopDaemon(pidFile(nodeOf(ctx, unit)), 60_000);
    },

    async status(ctx): Promise<ComponentStatus> {
      const all = nodes(ctx);
      let registered: number[] = [];
      try {
        registered = (await describeKafkaCluster(ctx.config.kafka.bootstrapServers)).brokers;
      } catch {
        registered = [];
      }
      const units: UnitStatus[] = all.map((n) => {
        const pid = runningPid(pidFile(n));
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

    logFiles(ctx) {
      return nodes(ctx).map((n) => logFile(ctx, n));
    },
  };
}
