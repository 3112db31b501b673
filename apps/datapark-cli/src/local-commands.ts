import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { DataparkConfig } from '@datapark/config';
import { loadConfig, redactConfig } from '@datapark/config';
import type { LocalPlatform } from '@datapark/platform-local';
import { doctorCommand } from './doctor/doctor-command.js';
import { statusTable, whereToLook } from './status/print-status.js';
import { kafkaCommand } from './tools/kafka-command.js';
import { psqlCommand } from './tools/psql-command.js';

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
// Loaded when a command runs, not to print `--help` or run another command: about a second of CPU.
const platform = async () => {
  const { defaultComponents, LocalPlatform } = await import('@datapark/platform-local');
  return new LocalPlatform({ components: defaultComponents() });
};

/**
 * `datapark up|down|status|doctor|logs|start|stop|endpoints`: the local platform (LocalPlatform with
 * every component), added to `program` in the order `--help` lists them.
 */
export function addLocalCommands(program: Command): Command {
  program
    .command('up')
    .description('start the platform (or --only some components and what they need); idempotent')
    .option('--only <components>', 'comma-separated components, e.g. postgres,redis', list)
    .option(
      '--without <components>',
      'comma-separated components to leave out, e.g. monitoring (and nothing that needs them)',
      list,
    )
    .option(
      '--profile <profile>',
      'full (default) or lean for an 8 GB laptop: one Spark worker, no history server, smaller Kafka heaps, Airflow LocalExecutor; kept until `down`; same as DATAPARK_PROFILE',
    )
    .option(
      '--airflow-executor <executor>',
      "celery (two Celery workers) or local (no worker); default: the profile's; same as DATAPARK_AIRFLOW_EXECUTOR",
    )
    .action(
      async (options: {
        only?: string[];
        without?: string[];
        airflowExecutor?: string;
        profile?: string;
      }) => {
        if (options.airflowExecutor)
          process.env['DATAPARK_AIRFLOW_EXECUTOR'] = options.airflowExecutor;
        if (options.profile) process.env['DATAPARK_PROFILE'] = options.profile;
        const p = await platform();
        const started = Date.now();
        await p.up({ only: options.only ?? [], without: options.without ?? [] });
        process.stderr.write(
          `\nPlatform up in ${((Date.now() - started) / 1000).toFixed(1)}s. Endpoints and credentials: ${p.endpointsFile}\n\n`,
        );
        printStatus(await p.status(), p.configuration);
      },
    );

  program
    .command('down')
    .description('stop the platform; data is kept unless --purge')
    .option('--purge', 'also delete all data, logs and credentials')
    .option('--only <components>', 'comma-separated components', list)
    .action(async (options: { purge?: boolean; only?: string[] }) => {
      await (
        await platform()
      ).down({
        purge: options.purge ?? false,
        ...(options.only ? { only: options.only } : {}),
      });
    });

  program
    .command('status')
    .description(
      'state, pid and endpoint of every component (why, when one is degraded); the web UIs and where their credentials are',
    )
    .option('--json', 'machine-readable')
    .action(async (options: { json?: boolean }) => {
      const p = await platform();
      const status = await p.status();
      if (options.json) process.stdout.write(JSON.stringify(status, null, 2) + '\n');
      else printStatus(status, p.configuration);
    });

  program.addCommand(doctorCommand());

  program
    .command('logs')
    .description('show the logs of a component (or all)')
    .argument('[component]')
    .option('-n, --lines <n>', 'lines per file', '50')
    .option('-f, --follow', 'keep printing new lines')
    .action(async (component: string | undefined, options: { lines: string; follow?: boolean }) => {
      const files = (await platform()).logFiles(component).filter((f) => existsSync(f));
      if (files.length === 0) {
        process.stderr.write('no logs yet: start the platform with `datapark up`\n');
        return;
      }
      const args = ['-n', options.lines, ...(options.follow ? ['-F'] : []), ...files];
      spawn('tail', args, { stdio: 'inherit' });
    });

  program
    .command('start')
    .description('start one component or unit, e.g. kafka-2')
    .argument('<name>')
    .action(async (name: string) => (await platform()).start(name));

  program
    .command('stop')
    .description('stop one component or unit, e.g. kafka-2, leaving the rest running')
    .argument('<name>')
    .action(async (name: string) => (await platform()).stop(name));

  program.addCommand(psqlCommand());
  program.addCommand(kafkaCommand());

  program
    .command('endpoints')
    .description('print the endpoints (secrets redacted unless --show-secrets)')
    .option('--show-secrets')
    .action(async (options: { showSecrets?: boolean }) => {
      const config = loadConfig();
      process.stdout.write(
        JSON.stringify(options.showSecrets ? config : redactConfig(config), null, 2) + '\n',
      );
    });

  return program;
}

function printStatus(
  status: Awaited<ReturnType<LocalPlatform['status']>>,
  config: DataparkConfig,
): void {
  for (const line of [...statusTable(status), ...whereToLook(config, status)])
    process.stdout.write(line + '\n');
}
