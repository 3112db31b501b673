import { Command } from 'commander';
import type { KafkaConsoleTool } from '@datapark/platform-local';
import { runTool } from './run-tool.js';

async function run(tool: KafkaConsoleTool, args: readonly string[]): Promise<void> {
  const { defaultComponents, kafkaConsoleInvocation, LocalPlatform } =
    await import('@datapark/platform-local');
  const platform = new LocalPlatform({ components: defaultComponents() });
  const invocation = kafkaConsoleInvocation(
    platform.configuration,
    platform.workspaceRoot,
    tool,
    args,
  );
  process.exitCode = await runTool(invocation);
}

/**
 * `--topic TOPIC` before the tool's own options; an option in TOPIC's place (`consume --help`)
 * goes to the tool as typed, not to Kafka as a topic named "--help".
 */
const withTopic = (topic: string, args: readonly string[]) =>
  topic.startsWith('-') ? [topic, ...args] : ['--topic', topic, ...args];

/** A subcommand whose options are the Kafka tool's own, passed through. */
function toolCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .allowUnknownOption()
    .helpOption('--usage', "this command's help (the tool's own: --help)");
}

/**
 * `datapark kafka topics | consume TOPIC | produce TOPIC | groups`: Kafka's own console tools
 * (kafka-topics.sh, kafka-console-consumer.sh, …) from the jars the platform ships, with
 * `--bootstrap-server` filled in.
 */
export function kafkaCommand(): Command {
  const kafka = new Command('kafka').description(
    "Kafka's console tools against the platform's brokers (the bootstrap servers are filled in)",
  );
  kafka.addCommand(
    toolCommand(
      'topics',
      'kafka-topics: --list when given nothing, else its own options (--describe --topic order-events)',
    )
      .argument('[args...]')
      .action((args: string[]) => run('topics', args.length > 0 ? args : ['--list'])),
  );
  kafka.addCommand(
    toolCommand(
      'consume',
      'kafka-console-consumer on TOPIC: prints new records until Ctrl-C (--from-beginning, --max-messages N, --group G, --formatter-property print.key=true)',
    )
      .argument('<topic>')
      .argument('[args...]')
      .action((topic: string, args: string[]) => run('consume', withTopic(topic, args))),
  );
  kafka.addCommand(
    toolCommand(
      'produce',
      'kafka-console-producer on TOPIC: one record per line of stdin, values as typed: not validated, so ingest dead-letters a line that is not a valid event',
    )
      .argument('<topic>')
      .argument('[args...]')
      .action((topic: string, args: string[]) => run('produce', withTopic(topic, args))),
  );
  kafka.addCommand(
    toolCommand(
      'groups',
      'kafka-consumer-groups: --list when given nothing, else its own options (--describe --group G)',
    )
      .argument('[args...]')
      .action((args: string[]) => run('groups', args.length > 0 ? args : ['--list'])),
  );
  return kafka;
}
