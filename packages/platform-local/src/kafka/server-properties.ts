import { join } from 'node:path';
import type { KafkaNode } from './nodes.js';

/**
 * server.properties of one node: broker and controller in one process, the three nodes as the
 * controller quorum, replication 3 with min.insync.replicas 2, sized for a small machine.
 */
export function serverProperties(node: KafkaNode, all: readonly KafkaNode[]): string {
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

/** log4j2.properties of every node: to stdout (the platform's log file), quietly. */
export const LOG4J2 = `# Data Park: Kafka logs to stdout (the platform's log file), quietly.
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
