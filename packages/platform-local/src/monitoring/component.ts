import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { scrapeTargetsDir } from '@datapark/config';
import type {
  ComponentContext,
  ComponentStatus,
  LocalComponent,
  PortClaim,
  UnitStatus,
} from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { startDaemon, stopDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { assertPortFree, isListening } from '../ports.js';
import { generateSecret } from '../secrets.js';
import { waitUntil } from '../wait-until.js';
import { NAME } from './addresses.js';
import { monitoringFiles } from './files.js';
import { firingAlerts, ready } from './health.js';
import { ensureMonitorRole } from './postgres-role.js';
import { alertmanagerConfig, prometheusConfig } from './prometheus-config.js';
import { MONITORING_UNITS, statsdAddress, type MonitoringUnit } from './units.js';
import { writeWebConfig } from './web-config.js';

const writeSecretFile = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600 });
};

/** Writes every configuration file from the configuration as it stands (at each start). */
function writeMonitoringFiles(ctx: ComponentContext): void {
  const files = monitoringFiles(ctx);
  const { username, password } = ctx.config.monitoring;
  if (!password) throw new PlatformError('no monitoring password was generated', NAME, 'run up');
  mkdirSync(files.pids, { recursive: true });
  mkdirSync(files.prometheusData, { recursive: true });
  mkdirSync(files.alertmanagerData, { recursive: true });
  // Where our own processes announce their /metrics (file_sd), watched from Prometheus' start.
  mkdirSync(scrapeTargetsDir(ctx.config), { recursive: true });
  writeSecretFile(files.passwordFile, password);
  writeSecretFile(files.jupyterTokenFile, ctx.config.jupyter.token ?? '');
  writeWebConfig(files.webConfig, username, password);
  const header = '# Written by the Data Park local platform at every `up`; edits are lost.\n';
  writeFileSync(files.prometheusConfig, header + stringify(prometheusConfig(ctx, files)));
  writeFileSync(files.alertmanagerConfig, header + stringify(alertmanagerConfig()));
}

/** Starts one unit unless it runs; returns whether it started it. */
async function startMonitoringUnit(ctx: ComponentContext, spec: MonitoringUnit): Promise<boolean> {
  const files = monitoringFiles(ctx);
  if (runningPid(files.pidFile(spec.unit))) return false;
  const address = spec.address(ctx);
  const command = spec.command(ctx);
  const args = spec.args(ctx, files);
  await assertPortFree(spec.unit, address.host, address.port, spec.variable);
  if (spec.unit === 'statsd-exporter') {
    const statsd = statsdAddress(ctx);
    await assertPortFree(spec.unit, statsd.host, statsd.port, spec.variable);
  }
  ctx.reporter.step(NAME, `starting ${spec.unit} on ${address.host}:${address.port}`);
  startDaemon({
    command,
    args,
    pidFile: files.pidFile(spec.unit),
    logFile: files.logFile(spec.unit),
    cwd: ctx.dir,
    env: { ...process.env, ...spec.env?.(ctx) },
  });
  return true;
}

/** True when every unit runs and listens, and Prometheus and Alertmanager say they are ready. */
async function monitoringHealthy(ctx: ComponentContext): Promise<boolean> {
  const files = monitoringFiles(ctx);
  for (const spec of MONITORING_UNITS) {
    if (!runningPid(files.pidFile(spec.unit)))
      throw new PlatformError(
        `${spec.unit} exited`,
        spec.unit,
        `its log says why: npx nx run platform:logs -- ${spec.unit}`,
        'MONITORING_UNIT_EXITED',
      );
    const { host, port } = spec.address(ctx);
    if (!(await isListening(host, port))) return false;
  }
  return (await ready(ctx, 'prometheus')) && (await ready(ctx, 'alertmanager'));
}

/**
 * Prometheus (Debian) scraping every component, Alertmanager (built from the Go module proxy)
 * holding the alerts of its rules, and the exporters: host, PostgreSQL, Redis (Debian), Airflow's
 * StatsD (statsd_exporter) and Kafka consumer-group lag (our own). Basic auth on both UIs with a
 * generated password, loopback only.
 */
export function monitoringComponent(): LocalComponent {
  const units = MONITORING_UNITS;
  const unitSpec = (unit: string) => {
    const spec = units.find((u) => u.unit === unit);
    if (!spec)
      throw new PlatformError(
        `unknown monitoring unit ${unit}`,
        NAME,
        `use one of ${units.map((u) => u.unit).join(', ')}`,
      );
    return spec;
  };

  return {
    name: NAME,
    description:
      'Prometheus and Alertmanager with exporters (host, PostgreSQL, Redis, Airflow StatsD, Kafka lag)',
    // The PostgreSQL exporter's role is created at start.
    dependsOn: ['postgres'],
    units: units.map((u) => u.unit),

    async checkPrerequisites(ctx) {
      const files = monitoringFiles(ctx);
      for (const spec of units) {
        spec.command(ctx);
        if (spec.unit === 'kafka-lag-exporter') spec.args(ctx, files);
      }
    },

    async start(ctx) {
      const generated = {
        ...(ctx.config.monitoring.password ? {} : { password: generateSecret() }),
        ...(ctx.config.monitoring.postgresPassword ? {} : { postgresPassword: generateSecret() }),
      };
      if (Object.keys(generated).length > 0) ctx.publish({ monitoring: generated });
      const { prometheusUrl, alertmanagerUrl, username } = ctx.config.monitoring;
      ctx.publish({ monitoring: { prometheusUrl, alertmanagerUrl, username } });
      await ensureMonitorRole(ctx.config, ctx.config.monitoring.postgresPassword!);
      writeMonitoringFiles(ctx);
      const prometheusPid = runningPid(monitoringFiles(ctx).pidFile('prometheus'));
      // A running Prometheus rereads prometheus.yml and the rules on SIGHUP.
      if (prometheusPid) process.kill(prometheusPid, 'SIGHUP');
      let started = 0;
      for (const spec of units) if (await startMonitoringUnit(ctx, spec)) started++;
      if (started === 0) ctx.reporter.step(NAME, 'every process already running');
      await waitUntil(() => monitoringHealthy(ctx), {
        component: NAME,
        what: 'Prometheus and Alertmanager ready, every exporter listening',
        timeoutMs: 90_000,
        reporter: ctx.reporter,
        fix: `see ${ctx.logDir}/{prometheus,alertmanager,*-exporter}.log`,
      });
    },

    async stop(ctx) {
      const files = monitoringFiles(ctx);
      await Promise.all(units.map((u) => stopDaemon(files.pidFile(u.unit), 15_000)));
    },

    async startUnit(ctx, unit) {
      writeMonitoringFiles(ctx);
      await startMonitoringUnit(ctx, unitSpec(unit));
    },

    async stopUnit(ctx, unit) {
      await stopDaemon(monitoringFiles(ctx).pidFile(unitSpec(unit).unit), 15_000);
    },

    async status(ctx): Promise<ComponentStatus> {
      const files = monitoringFiles(ctx);
      const states: UnitStatus[] = await Promise.all(
        units.map(async (u) => {
          const pid = runningPid(files.pidFile(u.unit));
          const { host, port } = u.address(ctx);
          const listening = pid ? await isListening(host, port) : false;
          const state = pid ? (listening ? 'running' : 'degraded') : 'stopped';
          return { name: u.unit, state, detail: `${host}:${port}`, ...(pid ? { pid } : {}) };
        }),
      );
      const running = states.filter((s) => s.state === 'running').length;
      // What fires, when Alertmanager can say.
      const alertmanagerRuns = states.some(
        (s) => s.name === 'alertmanager' && s.state === 'running',
      );
      const firing = alertmanagerRuns ? await firingAlerts(ctx).catch(() => undefined) : undefined;
      return {
        component: NAME,
        state:
          running === units.length
            ? 'running'
            : states.every((s) => s.state === 'stopped')
              ? 'stopped'
              : 'degraded',
        endpoint: `${ctx.config.monitoring.prometheusUrl} (Alertmanager ${ctx.config.monitoring.alertmanagerUrl})`,
        units: states,
        ...(firing === undefined
          ? {}
          : {
              detail:
                firing.total === 0
                  ? 'no alert firing'
                  : `${firing.total} alert${firing.total === 1 ? '' : 's'} firing: ${firing.names.join(', ')} (what each means and what to do: ${ctx.config.monitoring.alertmanagerUrl})`,
            }),
      };
    },

    ports(ctx): PortClaim[] {
      return units.flatMap((u) => {
        const { host, port } = u.address(ctx);
        const claim: PortClaim = {
          unit: u.unit,
          host,
          port,
          purpose: u.purpose,
          variable: u.variable,
        };
        if (u.unit !== 'statsd-exporter') return [claim];
        const statsd = statsdAddress(ctx);
        return [
          claim,
          {
            unit: u.unit,
            host: statsd.host,
            port: statsd.port,
            purpose: 'StatsD from Airflow (UDP and TCP)',
            variable: u.variable,
          },
        ];
      });
    },

    logFiles(ctx) {
      const files = monitoringFiles(ctx);
      return units.map((u) => files.logFile(u.unit));
    },
  };
}
