import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { startDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { assertPortFree } from '../ports.js';
import { activeProfile } from '../profile.js';
import { requireExecutable } from '../prerequisites.js';
import { jmxExporterAgentArg, jmxExporterJar, jmxExporterPort } from './jmx-exporter.js';
import { kafkaJarsDir, kafkaLogFile, kafkaPidFile, NAME, type KafkaNode } from './nodes.js';
import { LOG4J2, serverProperties } from './server-properties.js';
import { formatStorage } from './storage.js';

/** The JVM every node runs on (Debian's JDK 17), or a PrerequisiteError naming the package. */
export const kafkaJava = () =>
  requireExecutable(NAME, 'java', { debianPackage: 'openjdk-17-jre-headless' });

/**
 * Starts one node unless it runs: writes its configuration, formats its storage the first
 * time, checks its two ports and starts the JVM. Returns whether it started it.
 */
export async function startKafkaNode(
  ctx: ComponentContext,
  node: KafkaNode,
  all: readonly KafkaNode[],
): Promise<boolean> {
  if (runningPid(kafkaPidFile(node))) return false;
  mkdirSync(node.dir, { recursive: true });
  const props = join(node.dir, 'server.properties');
  writeFileSync(props, serverProperties(node, all));
  const log4j = join(ctx.dir, 'log4j2.properties');
  writeFileSync(log4j, LOG4J2);
  const classpath = `${kafkaJarsDir(ctx)}/*`;
  await formatStorage(ctx, node, { java: kafkaJava, classpath, props, log4j });
  await assertPortFree(node.unit, node.host, node.port, 'DATAPARK_KAFKA_BOOTSTRAP_SERVERS');
  await assertPortFree(
    node.unit,
    node.host,
    node.controllerPort,
    'DATAPARK_KAFKA_BOOTSTRAP_SERVERS (controller ports are broker port + 100)',
  );
  const agent = jmxExporterAgentArg(ctx, node);
  if (agent)
    await assertPortFree(
      node.unit,
      node.host,
      jmxExporterPort(node),
      'DATAPARK_KAFKA_BOOTSTRAP_SERVERS (JMX exporter ports are broker port + 200)',
    );
  else
    ctx.reporter.warn(
      NAME,
      `${node.unit} starts without metrics: no JMX exporter agent at ${jmxExporterJar(ctx)} (bash tools/ci/maven.sh)`,
    );
  ctx.reporter.step(
    NAME,
    `starting ${node.unit} on ${node.host}:${node.port} (controller ${node.controllerPort})`,
  );
  startDaemon({
    command: kafkaJava(),
    args: [
      // Prometheus metrics of the broker and its JVM on loopback (the JMX exporter's agent).
      ...(agent ? [agent] : []),
      '-Xms128m',
      `-Xmx${process.env['DATAPARK_KAFKA_HEAP'] ?? activeProfile(ctx.stateDir).kafkaHeap}`,
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
    pidFile: kafkaPidFile(node),
    logFile: kafkaLogFile(ctx, node),
    cwd: node.dir,
  });
  return true;
}
