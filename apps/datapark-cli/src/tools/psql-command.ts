import { Command } from 'commander';
import { POSTGRES_ROLES } from '@datapark/config';
import { runTool } from './run-tool.js';

/**
 * `datapark psql [role] [psql options…]`: psql on the platform's database as one role, with the
 * password the platform generated (a private passfile, never the command line).
 */
export function psqlCommand(): Command {
  return new Command('psql')
    .description(
      `psql on the platform's PostgreSQL as a role (${POSTGRES_ROLES.join(', ')}; default analyst: reads everything, writes nothing), with its generated password; psql options follow, e.g. -c 'select 1'`,
    )
    .argument('[role]', 'the PostgreSQL role', 'analyst')
    .argument('[psqlArgs...]', 'passed to psql')
    .option('--database <name>', "another database (default: the platform's, datapark)")
    .allowUnknownOption()
    .helpOption('-h, --help', 'show this help (psql -h is not needed: the host is filled in)')
    .action(async (role: string, psqlArgs: string[], options: { database?: string }) => {
      // `datapark psql -c 'select 1'`: no role given, the option is psql's.
      const [who, args] = role.startsWith('-')
        ? ['analyst', [role, ...psqlArgs]]
        : [role, psqlArgs];
      const { defaultComponents, LocalPlatform, psqlInvocation } =
        await import('@datapark/platform-local');
      const platform = new LocalPlatform({ components: defaultComponents() });
      const psql = psqlInvocation(platform.configuration, who, args, options);
      process.exitCode = await runTool(psql);
    });
}
