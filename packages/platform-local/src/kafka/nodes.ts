import { join } from 'node:path';
import { endpointOrigin } from '@datapark/config';
import type { ComponentContext, PortClaim } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { JMX_EXPORTER_PORT_OFFSET } from './jmx-exporter.js';

export const NAME = 'kafka';
export const NODES = [1, 2, 3] as const;
/** Each node's controller listener sits this far above its broker port. */
const CONTROLLER_PORT_OFFSET = 100;

/** One combined broker+controller KRaft node: its unit name, listeners and directory. */
export interface KafkaNode {
  readonly id: number;
  readonly unit: string;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
}

/** The three nodes, on the brokers of DATAPARK_KAFKA_BOOTSTRAP_SERVERS (which must list three). */
export function kafkaNodes(ctx: ComponentContext): KafkaNode[] {
  const servers = ctx.config.kafka.bootstrapServers;
  if (servers.length !== NODES.length) {
    const origin = endpointOrigin(ctx.config, 'kafka');
    throw new PlatformError(
      `the local Kafka cluster has ${NODES.length} nodes, but DATAPARK_KAFKA_BOOTSTRAP_SERVERS lists ${servers.length}`,
      NAME,
      'list three host:port pairs, e.g. 127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094' +
        (origin.fix ? `, or ${origin.fix}` : ''),
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

/** Each node's broker and controller ports, both moved by DATAPARK_KAFKA_BOOTSTRAP_SERVERS. */
export function kafkaPorts(ctx: ComponentContext): PortClaim[] {
  const variable = 'DATAPARK_KAFKA_BOOTSTRAP_SERVERS';
  return kafkaNodes(ctx).flatMap((node) => [
    { unit: node.unit, host: node.host, port: node.port, purpose: 'broker', variable },
    {
      unit: node.unit,
      host: node.host,
      port: node.controllerPort,
      purpose: `controller, broker port + ${CONTROLLER_PORT_OFFSET}`,
      variable,
    },
    {
      unit: node.unit,
      host: node.host,
      port: node.port + JMX_EXPORTER_PORT_OFFSET,
      purpose: `metrics (JMX exporter), broker port + ${JMX_EXPORTER_PORT_OFFSET}`,
      variable,
    },
  ]);
}

/** The node a unit name (`kafka-2`) stands for. */
export function kafkaNodeOf(ctx: ComponentContext, unit: string): KafkaNode {
  const node = kafkaNodes(ctx).find((n) => n.unit === unit);
  if (!node)
    throw new PlatformError(`unknown Kafka node ${unit}`, NAME, 'use kafka-1, kafka-2 or kafka-3');
  return node;
}

export const kafkaPidFile = (node: KafkaNode) => join(node.dir, 'kafka.pid');
export const kafkaLogFile = (ctx: ComponentContext, node: KafkaNode) =>
  join(ctx.logDir, `${node.unit}.log`);

/** Where tools/ci/maven.sh puts the broker's and the tools' jars. */
export function kafkaJarsDir(ctx: Pick<ComponentContext, 'workspaceRoot'>): string {
  return join(ctx.workspaceRoot, '.tools', 'jars', 'kafka');
}
