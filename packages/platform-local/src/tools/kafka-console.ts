import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataparkConfig } from '@datapark/config';
import { PlatformError } from '@datapark/platform';
import { kafkaJarsDir } from '../kafka/nodes.js';
import { kafkaJava } from '../kafka/units.js';
import type { ToolInvocation } from './tool-invocation.js';

/** Kafka's own console tools, in the kafka-tools jar the brokers' classpath already holds. */
export const KAFKA_CONSOLE_TOOLS = Object.freeze({
  /** kafka-topics.sh */
  topics: 'org.apache.kafka.tools.TopicCommand',
  /** kafka-console-consumer.sh */
  consume: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  /** kafka-console-producer.sh */
  produce: 'org.apache.kafka.tools.ConsoleProducer',
  /** kafka-consumer-groups.sh */
  groups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
});
export type KafkaConsoleTool = keyof typeof KAFKA_CONSOLE_TOOLS;

// The tools' own logging, warnings and up, to stderr: stdout stays the records (consume) or
// the listing (topics), as with Kafka's scripts (config/tools-log4j2.yaml).
const TOOLS_LOG4J2 = `# Data Park: Kafka's console tools log warnings to stderr.
status = warn
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = STDERR
`;

/**
 * The console consumer joins its group with the broker-side protocol of KIP-848 (Kafka 4's
 * brokers serve it): on the classic protocol Kafka 4.3's tool prints a notice inviting this
 * before every record stream. A learner's own `group.protocol` wins.
 */
const CONSUMER_PROTOCOL = ['--command-property', 'group.protocol=consumer'] as const;

/**
 * One of Kafka's console tools (topics, consume, produce, groups) run against the platform's
 * brokers, from the jars the platform runs the brokers with (`.tools/jars/kafka`, from Maven
 * Central by tools/ci/maven.sh): `--bootstrap-server` is filled in, `args` follow as the tool
 * takes them.
 *
 * @example
 * ```ts
 * const consume = kafkaConsoleInvocation(config, root, 'consume', ['--topic', 'order-events', '--max-messages', '5']);
 * ```
 */
export function kafkaConsoleInvocation(
  config: DataparkConfig,
  workspaceRoot: string,
  tool: KafkaConsoleTool,
  args: readonly string[],
): ToolInvocation {
  const jars = kafkaJarsDir({ workspaceRoot });
  if (!existsSync(join(jars, 'kafka-tools-4.3.1.jar')))
    throw new PlatformError(
      `Kafka's console tools are not in ${jars}`,
      'kafka',
      'bash tools/ci/maven.sh (Kafka 4.3.1 from Maven Central)',
    );
  const java = kafkaJava();
  const log4j = join(config.stateDir, 'kafka', 'tools-log4j2.properties');
  mkdirSync(join(config.stateDir, 'kafka'), { recursive: true });
  writeFileSync(log4j, TOOLS_LOG4J2);
  return {
    command: java,
    args: [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1', // a short-lived tool: start fast rather than peak late
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      `${jars}/*`,
      KAFKA_CONSOLE_TOOLS[tool],
      '--bootstrap-server',
      config.kafka.bootstrapServers.join(','),
      ...args,
      ...(tool === 'consume' && !args.some((arg) => arg.includes('group.protocol'))
        ? CONSUMER_PROTOCOL
        : []),
    ],
    env: { ...process.env },
    dispose: () => undefined,
  };
}
