import { Command } from 'commander';
import { ConfigError } from '@datapark/config';
import { PlatformError } from '@datapark/platform';
import { contractsCommand, ContractsCommandError } from './contracts-commands.js';
import { kubernetesCommand } from './kubernetes-commands.js';
import { lessonCommand, LessonCommandError } from './lesson-commands.js';
import { addLocalCommands } from './local-commands.js';

const program = new Command('datapark')
  .description(
    'The Data Park local platform: PostgreSQL, Redis, Kafka, Spark, Airflow, Jupyter as local processes',
  )
  .showHelpAfterError();

addLocalCommands(program);
program.addCommand(kubernetesCommand());
program.addCommand(contractsCommand());
program.addCommand(lessonCommand());

// `datapark` alone is a question, not a mistake: answer it with the help, and exit 0.
if (process.argv.length <= 2) {
  program.outputHelp();
  process.exit(0);
}

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ContractsCommandError || error instanceof LessonCommandError) {
    process.stderr.write(`✗ ${error.message}\n`);
  } else if (error instanceof ConfigError || error instanceof PlatformError) {
    process.stderr.write(
      `\n✗ ${error instanceof PlatformError ? `${error.component}: ` : ''}${error.message}\n`,
    );
  } else {
    process.stderr.write(
      `\n✗ ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exitCode = 1;
});
