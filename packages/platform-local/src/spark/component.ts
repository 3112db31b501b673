import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ComponentStatus, LocalComponent, UnitStatus } from '@datapark/platform';
import { PlatformError, PrerequisiteError } from '@datapark/platform';
import { stopDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { requireExecutable } from '../prerequisites.js';
import { waitUntil } from '../wait-until.js';
import { sparkHealthy } from './health.js';
import { connectorJarsDir, NAME, requireSparkHome } from './installation.js';
import { assertSparkPortsFree, sparkPorts } from './ports.js';
import { writeSparkDefaults } from './spark-defaults.js';
import { activeProfile } from '../profile.js';
import {
  activeSparkUnits,
  SPARK_UNITS,
  sparkLogFile,
  sparkPidFile,
  startSparkUnit,
} from './units.js';

/**
 * Spark 4 standalone from the pyspark wheel: a master with the REST submission server, two
 * workers, and the history server over the event-log directory.
 */
export function sparkComponent(): LocalComponent {
  const units = SPARK_UNITS;
  return {
    name: NAME,
    description: 'Spark 4 standalone (pyspark wheel): master + REST, 2 workers, history server',
    dependsOn: [],
    units: units.map((u) => u.unit),

    async checkPrerequisites(ctx) {
      requireExecutable(NAME, 'java', { debianPackage: 'openjdk-17-jre-headless' });
      requireSparkHome(ctx);
      const jars = connectorJarsDir(ctx);
      if (!existsSync(jars)) {
        throw new PrerequisiteError(
          `the Kafka and JDBC connector jars are not in ${jars}`,
          NAME,
          'bash tools/ci/maven.sh',
        );
      }
    },

    async start(ctx) {
      const urls = ctx.config.spark;
      ctx.publish({
        spark: {
          masterUrl: urls.masterUrl,
          restUrl: urls.restUrl,
          uiUrl: urls.uiUrl,
          historyUrl: urls.historyUrl,
          connectorJars: connectorJarsDir(ctx),
          // 32 bytes: HS256 wants a key of at least 256 bits (jjwt refuses a shorter one).
          ...(ctx.config.spark.restSecret
            ? {}
            : { restSecret: randomBytes(32).toString('base64url') }),
        },
      });
      writeSparkDefaults(ctx);
      await assertSparkPortsFree(ctx);
      let started = 0;
      const profile = activeProfile(ctx.stateDir);
      for (const spec of activeSparkUnits(profile)) if (await startSparkUnit(ctx, spec)) started++;
      if (started === 0)
        ctx.reporter.step(NAME, 'master, workers and history server already running');
      const history = profile.sparkHistoryServer ? ' and the history server' : '';
      await waitUntil(() => sparkHealthy(ctx), {
        component: NAME,
        what: `the master (ALIVE, ${profile.sparkWorkers} workers, REST readyz)${history}`,
        timeoutMs: 180_000,
        reporter: ctx.reporter,
        fix: `see ${ctx.logDir}/spark-*.log`,
      });
    },

    async stop(ctx) {
      for (const spec of [...units].reverse())
        await stopDaemon(sparkPidFile(ctx, spec.unit), 20_000);
    },

    async startUnit(ctx, unit) {
      const spec = units.find((u) => u.unit === unit);
      if (!spec)
        throw new PlatformError(
          `unknown Spark unit ${unit}`,
          NAME,
          `use one of ${units.map((u) => u.unit).join(', ')}`,
        );
      await startSparkUnit(ctx, spec);
    },

    async stopUnit(ctx, unit) {
      await stopDaemon(sparkPidFile(ctx, unit), 20_000);
    },

    async status(ctx): Promise<ComponentStatus> {
      const active = activeSparkUnits(activeProfile(ctx.stateDir));
      const states: UnitStatus[] = active.map((u) => {
        const pid = runningPid(sparkPidFile(ctx, u.unit));
        return { name: u.unit, state: pid ? 'running' : 'stopped', ...(pid ? { pid } : {}) };
      });
      const ok = states.some((s) => s.pid) ? await sparkHealthy(ctx).catch(() => false) : false;
      const running = states.filter((s) => s.state === 'running').length;
      return {
        component: NAME,
        state: running === 0 ? 'stopped' : ok && running === active.length ? 'running' : 'degraded',
        endpoint: `${ctx.config.spark.masterUrl} (REST ${ctx.config.spark.restUrl})`,
        units: states,
      };
    },

    ports: sparkPorts,

    logFiles(ctx) {
      return units.map((u) => sparkLogFile(ctx, u.unit));
    },
  };
}
