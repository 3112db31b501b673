import { existsSync } from 'node:fs';
import type { ComponentContext, ComponentStatus, LocalComponent } from '@datapark/platform';
import { PrerequisiteError } from '@datapark/platform';
import { stopDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { assertPortFree } from '../ports.js';
import { generateSecret } from '../secrets.js';
import { singleProcessStatus } from '../single-process-status.js';
import { waitUntil } from '../wait-until.js';
import { supersetHealthy } from './health.js';
import { NAME, supersetPaths } from './paths.js';
import { dropSupersetDatabase, provisionSupersetDatabase } from './postgres-roles.js';
import { runProvisioning, supersetSecrets, writeSecretsFile } from './provisioning.js';
import { startSupersetServer } from './server.js';

/**
 * Apache Superset from its own venv (.venv-superset), served by gunicorn on 127.0.0.1, with its
 * metadata in PostgreSQL (database and role `superset`), a generated admin password and
 * SECRET_KEY, the charts reading as the read-only role `superset_reader`, and the dashboards as
 * code (packages/platform-local/superset/assets) imported when it starts.
 */
export function supersetComponent(): LocalComponent {
  const endpoint = (ctx: ComponentContext) => new URL(ctx.config.superset.url);

  return {
    name: NAME,
    description: 'Apache Superset: dashboards over the dbt marts and processed',
    dependsOn: ['postgres'],
    units: [NAME],

    async checkPrerequisites(ctx) {
      const p = supersetPaths(ctx);
      if (!existsSync(p.gunicorn) || !existsSync(`${p.venv}/bin/superset`)) {
        throw new PrerequisiteError(
          `Superset is not installed (${p.venv})`,
          NAME,
          'bash tools/ci/superset.sh',
        );
      }
    },

    async start(ctx) {
      const generated = {
        ...(ctx.config.superset.password ? {} : { password: generateSecret() }),
        ...(ctx.config.superset.secretKey ? {} : { secretKey: generateSecret() }),
        ...(ctx.config.superset.metadataPassword ? {} : { metadataPassword: generateSecret() }),
        ...(ctx.config.superset.readerPassword ? {} : { readerPassword: generateSecret() }),
      };
      ctx.publish({
        superset: {
          url: ctx.config.superset.url,
          username: ctx.config.superset.username,
          ...generated,
        },
      });
      const url = endpoint(ctx);
      if (runningPid(supersetPaths(ctx).pidFile)) {
        ctx.reporter.step(NAME, `already running at ${url.origin}`);
      } else {
        await assertPortFree(NAME, url.hostname, Number(url.port), 'DATAPARK_SUPERSET_URL');
        const secrets = supersetSecrets(ctx.config);
        ctx.reporter.step(NAME, 'roles superset and superset_reader, database superset');
        await provisionSupersetDatabase(ctx.config, {
          metadata: secrets.metadataPassword,
          reader: secrets.readerPassword,
        });
        writeSecretsFile(ctx, secrets);
        await runProvisioning(ctx, secrets);
        startSupersetServer(ctx, url);
      }
      await waitUntil(() => supersetHealthy(ctx), {
        component: NAME,
        what: 'Superset to answer /health',
        timeoutMs: 180_000,
        intervalMs: 1000,
        reporter: ctx.reporter,
        fix: `see ${supersetPaths(ctx).logFile} (npx nx run platform:logs -- superset)`,
      });
    },

    async stop(ctx) {
      await stopDaemon(supersetPaths(ctx).pidFile, 30_000);
    },

    async status(ctx): Promise<ComponentStatus> {
      return singleProcessStatus(
        NAME,
        runningPid(supersetPaths(ctx).pidFile),
        () => supersetHealthy(ctx),
        endpoint(ctx).origin,
      );
    },

    ports(ctx) {
      const url = endpoint(ctx);
      return [
        {
          unit: NAME,
          host: url.hostname,
          port: Number(url.port),
          purpose: 'Superset UI and API',
          variable: 'DATAPARK_SUPERSET_URL',
        },
      ];
    },

    logFiles(ctx) {
      return [supersetPaths(ctx).logFile];
    },

    purge: (ctx) => dropSupersetDatabase(ctx.config),
  };
}
