import { Command, Option } from 'commander';
import type { KubernetesPlatform, KubernetesStatus } from '@datapark/platform-kubernetes';

const collect = (value: string, previous: string[]) => [...previous, value];

interface TargetOptions {
  release: string;
  namespace: string;
  kubeconfig?: string;
  kubeContext?: string;
  chart?: string;
  helm?: string;
}

function withTarget(command: Command): Command {
  return command
    .option('--release <name>', 'helm release name', 'datapark')
    .option('-n, --namespace <namespace>', 'namespace', 'datapark')
    .option('--kubeconfig <file>', 'kubeconfig (default KUBECONFIG or ~/.kube/config)')
    .option('--kube-context <context>', 'kubeconfig context (default: the current one)')
    .option('--helm <path>', 'helm binary (default DATAPARK_HELM, PATH, ~/go/bin/helm)');
}

// @datapark/platform-kubernetes is loaded when a k8s command runs (0.7 s of CPU), not for `--help`.
async function platformFor(options: TargetOptions, portForward?: 'auto' | 'always' | 'never') {
  const { KubernetesPlatform } = await import('@datapark/platform-kubernetes');
  return new KubernetesPlatform({
    release: options.release,
    namespace: options.namespace,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.kubeContext ? { kubeContext: options.kubeContext } : {}),
    ...(options.chart ? { chart: options.chart } : {}),
    ...(options.helm ? { helmPath: options.helm } : {}),
    ...(portForward ? { portForward } : {}),
  });
}

/** Prints helm's whole output before the error itself reaches the CLI's handler. */
async function showingHelmOutput<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const { HelmCommandError } = await import('@datapark/platform-kubernetes');
    if (error instanceof HelmCommandError) process.stderr.write(`\n${error.output}\n`);
    throw error;
  }
}

/** Runs the forwards until Ctrl-C (SIGINT) or SIGTERM. */
async function forwardUntilInterrupted(platform: KubernetesPlatform): Promise<void> {
  const running = await platform.portForward();
  process.stderr.write(
    `\nForwarding ${running.entries.length} ports; endpoints written to ${platform.endpointsFile}. Ctrl-C stops.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
}

function printStatus(status: KubernetesStatus): void {
  process.stdout.write(
    `release ${status.release} in namespace ${status.namespace}: ${
      status.helmStatus ? `${status.helmStatus} (revision ${status.revision})` : 'not installed'
    }\n`,
  );
  const rows = [
    ['COMPONENT', 'READY', 'STATE', 'WORKLOADS'],
    ...status.components.map((c) => [
      c.component,
      `${c.ready}/${c.desired}`,
      c.done ? 'ready' : 'not ready',
      c.workloads.map((w) => `${w.kind}/${w.name}`).join(' '),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const row of rows) {
    process.stdout.write(
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd() + '\n',
    );
  }
}

/**
 * `datapark k8s install|uninstall|status|port-forward`: the platform on the current kube
 * context through helm (charts/datapark).
 */
export function kubernetesCommand(): Command {
  const k8s = new Command('k8s').description(
    'the platform on a Kubernetes cluster (helm + charts/datapark): install, status, uninstall, port-forward',
  );

  withTarget(k8s.command('install'))
    .description(
      'helm upgrade --install charts/datapark, wait until every component is ready, write the endpoints file',
    )
    .option('-f, --values <file>', 'a values file (repeatable; later ones win)', collect, [])
    .option('--set <key=value>', 'a value (repeatable)', collect, [])
    .option('--chart <path>', 'the chart (default charts/datapark of this checkout)')
    .option('--timeout <seconds>', 'how long helm hooks and readiness may take', '600')
    .addOption(
      new Option('--port-forward <mode>', 'endpoints through port-forwards on 127.0.0.1')
        .choices(['auto', 'always', 'never'])
        .default('auto'),
    )
    .option(
      '--forward',
      'after install, keep forwarding the ports in the foreground (Ctrl-C stops)',
    )
    .action(
      async (
        options: TargetOptions & {
          values: string[];
          set: string[];
          timeout: string;
          portForward: 'auto' | 'always' | 'never';
          forward?: boolean;
        },
      ) => {
        const platform = await platformFor(options, options.portForward);
        const started = Date.now();
        const result = await showingHelmOutput(() =>
          platform.install({
            valuesFiles: options.values,
            set: options.set,
            timeoutMs: Number(options.timeout) * 1000,
          }),
        );
        process.stderr.write(
          `\nRelease ${platform.release} ready in ${((Date.now() - started) / 1000).toFixed(1)}s. Endpoints and credentials: ${result.endpointsFile}\n`,
        );
        if (result.viaPortForward && !options.forward) {
          process.stderr.write(
            'The endpoints are port-forwards on 127.0.0.1: keep `npx nx run charts:port-forward` (datapark k8s port-forward) running while you use them.\n',
          );
        }
        if (options.forward) await forwardUntilInterrupted(platform);
      },
    );

  withTarget(k8s.command('uninstall'))
    .description('helm uninstall; volumes and generated secrets are kept unless --purge')
    .option('--purge', 'also delete the volume claims (all data) and the generated secrets')
    .action(async (options: TargetOptions & { purge?: boolean }) => {
      await showingHelmOutput(async () =>
        (await platformFor(options)).uninstall({ purge: options.purge ?? false }),
      );
    });

  withTarget(k8s.command('status'))
    .description('helm status and ready/desired replicas of every component')
    .option('--json', 'machine-readable')
    .action(async (options: TargetOptions & { json?: boolean }) => {
      const status = await (await platformFor(options)).status();
      if (options.json) process.stdout.write(JSON.stringify(status, null, 2) + '\n');
      else printStatus(status);
    });

  withTarget(k8s.command('port-forward'))
    .description(
      'forward the usual local ports (15432, 19092-19094, 16066, …) to the release, until Ctrl-C',
    )
    .action(async (options: TargetOptions) =>
      forwardUntilInterrupted(await platformFor(options, 'always')),
    );

  return k8s;
}
