import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import type { KafkaNode } from './nodes.js';

/** Each node's JMX exporter (its Prometheus /metrics) sits this far above its broker port. */
export const JMX_EXPORTER_PORT_OFFSET = 200;

/** The Java agent's jar, as tools/ci/maven.sh copies it from Maven Central. */
export function jmxExporterJar(ctx: Pick<ComponentContext, 'workspaceRoot'>): string {
  return join(
    ctx.workspaceRoot,
    '.tools',
    'jars',
    'jmx-exporter',
    'jmx_prometheus_javaagent-1.0.1.jar',
  );
}

/** The agent's rules: which MBeans become which Prometheus metrics. */
export function jmxExporterRules(ctx: Pick<ComponentContext, 'workspaceRoot'>): string {
  return join(
    ctx.workspaceRoot,
    'packages',
    'platform-local',
    'monitoring',
    'kafka-jmx-exporter.yml',
  );
}

/** Where node's JMX exporter listens: loopback, broker port + 200 (19292 for 19092). */
export const jmxExporterPort = (node: KafkaNode) => node.port + JMX_EXPORTER_PORT_OFFSET;

/**
 * The `-javaagent` argument that serves the node's JMX metrics on `host:broker port + 200`, or
 * undefined when the jar is not there (the broker then runs without metrics; `up` warns).
 */
export function jmxExporterAgentArg(
  ctx: Pick<ComponentContext, 'workspaceRoot'>,
  node: KafkaNode,
): string | undefined {
  const jar = jmxExporterJar(ctx);
  if (!existsSync(jar)) return undefined;
  return `-javaagent:${jar}=${node.host}:${jmxExporterPort(node)}:${jmxExporterRules(ctx)}`;
}
