import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';

/** Where the monitoring component's files are: generated ones under its state directory, the
 * rules and the exporters' mappings in the checkout. */
export function monitoringFiles(ctx: Pick<ComponentContext, 'dir' | 'logDir' | 'workspaceRoot'>) {
  const assets = join(ctx.workspaceRoot, 'packages', 'platform-local', 'monitoring');
  return {
    assets,
    rulesDir: join(assets, 'rules'),
    consoles: join(assets, 'consoles'),
    consoleLibraries: join(assets, 'console_libraries'),
    statsdMapping: join(assets, 'statsd-mapping.yml'),
    prometheusConfig: join(ctx.dir, 'prometheus.yml'),
    alertmanagerConfig: join(ctx.dir, 'alertmanager.yml'),
    /** Basic auth of Prometheus and Alertmanager (bcrypt), 0600. */
    webConfig: join(ctx.dir, 'web.yml'),
    /** Secrets Prometheus reads from files rather than from prometheus.yml (0600). */
    passwordFile: join(ctx.dir, 'secrets', 'monitoring-password'),
    jupyterTokenFile: join(ctx.dir, 'secrets', 'jupyter-token'),
    prometheusData: join(ctx.dir, 'data', 'prometheus'),
    alertmanagerData: join(ctx.dir, 'data', 'alertmanager'),
    pids: join(ctx.dir, 'pids'),
    pidFile: (unit: string) => join(ctx.dir, 'pids', `${unit}.pid`),
    logFile: (unit: string) => join(ctx.logDir, `${unit}.log`),
  };
}

export type MonitoringFiles = ReturnType<typeof monitoringFiles>;
