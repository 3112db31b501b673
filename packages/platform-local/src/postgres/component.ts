import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentStatus, LocalComponent } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { assertPortFree } from '../ports.js';
import { chownTo } from '../run-as.js';
import { singleProcessStatus } from '../single-process-status.js';
import { waitUntil } from '../wait-until.js';
import { NAME, postgresBin } from './binaries.js';
import { postgresPaths, postmasterPid } from './data-dir.js';
import { postgresAccepts } from './health.js';
import { initialiseCluster } from './initdb.js';
import { postgresOsUser, runPostgresCommand } from './os-user.js';
import { ensurePasswords, provisionPostgres } from './provisioning.js';

/**
 * PostgreSQL from Debian's package, with its own data directory under the state directory,
 * listening on 127.0.0.1 only, password (SCRAM) authentication for every role.
 */
export function postgresComponent(): LocalComponent {
  return {
    name: NAME,
    description: 'PostgreSQL (Debian package), databases datapark and airflow',
    dependsOn: [],
    units: [NAME],

    async checkPrerequisites() {
      postgresBin('initdb');
      postgresBin('pg_ctl');
      postgresOsUser();
    },

    async start(ctx) {
      ensurePasswords(ctx);
      const p = postgresPaths(ctx);
      const { host, port } = ctx.config.postgres;
      ctx.publish({ postgres: { host, port } });
      if (postmasterPid(ctx)) {
        ctx.reporter.step(NAME, `already running on ${host}:${port}`);
      } else {
        if (!existsSync(join(p.data, 'PG_VERSION'))) await initialiseCluster(ctx, p);
        await assertPortFree(NAME, host, port, 'DATAPARK_POSTGRES_PORT');
        mkdirSync(ctx.logDir, { recursive: true });
        if (!existsSync(p.log)) writeFileSync(p.log, '');
        chownTo(postgresOsUser(), p.log);
        ctx.reporter.step(NAME, `starting on ${host}:${port}`);
        const result = await runPostgresCommand('pg_ctl', [
          '-D',
          p.data,
          '-l',
          p.log,
          '-o',
          `-p ${port}`,
          'start',
        ]);
        if (result.exitCode !== 0) {
          throw new PlatformError(`pg_ctl start failed:\n${result.all}`, NAME, `see ${p.log}`);
        }
      }
      await waitUntil(() => postgresAccepts(ctx), {
        component: NAME,
        what: 'PostgreSQL to accept connections',
        timeoutMs: 60_000,
        reporter: ctx.reporter,
        fix: `see ${p.log}`,
      });
    },

    provision: provisionPostgres,

    async stop(ctx) {
      const p = postgresPaths(ctx);
      if (!postmasterPid(ctx)) return;
      const result = await runPostgresCommand('pg_ctl', ['-D', p.data, '-m', 'fast', '-w', 'stop']);
      if (result.exitCode !== 0) {
        throw new PlatformError(`pg_ctl stop failed:\n${result.all}`, NAME, `see ${p.log}`);
      }
    },

    async status(ctx): Promise<ComponentStatus> {
      const { host, port } = ctx.config.postgres;
      return singleProcessStatus(
        NAME,
        postmasterPid(ctx),
        () => postgresAccepts(ctx),
        `${host}:${port}`,
      );
    },

    ports(ctx) {
      const { host, port } = ctx.config.postgres;
      return [
        { unit: NAME, host, port, purpose: 'PostgreSQL', variable: 'DATAPARK_POSTGRES_PORT' },
      ];
    },

    logFiles(ctx) {
      return [join(ctx.logDir, 'postgres.log')];
    },

    async purge(ctx) {
      const p = postgresPaths(ctx);
      if (p.root !== ctx.dir) rmSync(p.root, { recursive: true, force: true });
    },
  };
}
