import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, resolveStateDir } from '@datapark/config';
import type { DataparkConfig } from '@datapark/config';
import { silentReporter } from '@datapark/platform';
// eslint-disable-next-line @nx/enforce-module-boundaries -- only reached through doctor-command's await import('./run-doctor.js'), so still loaded lazily
import {
  defaultComponents,
  LocalPlatform,
  readProcessTable,
  tcpListeners,
} from '@datapark/platform-local';
import { type Check, checksOf, findingOf } from './check.js';
import { cpuCheck, diskCheck, javaCheck, nodeCheck } from './machine-checks.js';
import { memoryCheck } from './memory-check.js';
import { componentChecks, prerequisiteChecks } from './platform-checks.js';
import { portChecks } from './port-checks.js';

/**
 * Everything `datapark doctor` checks, read-only: the machine (Node, CPUs, memory, disk, Java),
 * the configuration, each component's prerequisites, every port, and the running platform.
 * Nothing is started, stopped or written.
 */
export async function runDoctor(env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const machine = [nodeCheck(), cpuCheck(), javaCheck()];
  let config: DataparkConfig;
  try {
    config = loadConfig({ env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const configuration = checksOf('configuration');
    return [
      ...machine,
      diskCheck(resolveStateDir(env, process.cwd())),
      ...error.problems.map((p) =>
        configuration.fail(p.key, `${p.shownValue} (from ${p.source}): ${p.expected}`, {
          fix: p.fix,
        }),
      ),
    ];
  }
  const platform = new LocalPlatform({
    components: defaultComponents(),
    reporter: silentReporter,
    configOptions: { env },
  });
  const { statuses, failures } = await statusOfEach(platform);
  const table = readProcessTable();
  const known = new Set(statuses.map((s) => s.component));
  return [
    ...machine,
    memoryCheck(statuses, table),
    diskCheck(platform.stateDir),
    configurationCheck(config),
    ...prerequisiteChecks(await platform.checkPrerequisites()),
    ...(await portChecks({
      // A component that cannot say whether it runs gets no port verdict: its ✗ says why.
      components: platform.ports().filter((p) => known.has(p.component)),
      statuses,
      table,
      listeners: tcpListeners(),
      config,
      env,
    })),
    ...componentChecks(statuses, (component) => platform.logFiles(component)),
    ...failures,
  ];
}

/** Each component's status; one that throws (a missing program, bad config) becomes a ✗. */
async function statusOfEach(platform: LocalPlatform) {
  const outcomes = await Promise.all(
    platform.components.map(async ({ name }) => {
      try {
        return { status: await platform.componentStatus(name) };
      } catch (error) {
        const { finding, more } = findingOf(error);
        return { failure: checksOf('platform').fail(name, `status failed: ${finding}`, more) };
      }
    }),
  );
  return {
    statuses: outcomes.flatMap((o) => (o.status ? [o.status] : [])),
    failures: outcomes.flatMap((o) => (o.failure ? [o.failure] : [])),
  };
}

function configurationCheck(config: DataparkConfig): Check {
  const file = existsSync(config.endpointsFile)
    ? `endpoints file ${config.endpointsFile}`
    : `no endpoints file yet (the first \`up\` writes ${config.endpointsFile})`;
  return checksOf('configuration').ok('config', `valid; ${file}`);
}
