import { Command } from 'commander';
import { formatChecks } from './print-checks.js';

/**
 * `datapark doctor [--json]`: what is wrong with this machine or this platform and how to fix
 * it, one line per check; exits 1 when any check failed (✗).
 */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      'check the machine, prerequisites, ports and running platform; say what is wrong and how to fix it',
    )
    .option('--json', 'the checks as JSON')
    .action(async (options: { json?: boolean }) => {
      const { runDoctor } = await import('./run-doctor.js');
      const checks = await runDoctor();
      process.stdout.write(
        options.json ? JSON.stringify(checks, null, 2) + '\n' : formatChecks(checks),
      );
      if (checks.some((c) => c.status === 'fail')) process.exitCode = 1;
    });
}
