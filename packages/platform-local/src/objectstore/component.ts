import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext, ComponentStatus, LocalComponent } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { valueOrigin } from '@datapark/config';
import { startDaemon, stopDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { assertPortFree } from '../ports.js';
import { generateSecret } from '../secrets.js';
import { singleProcessStatus } from '../single-process-status.js';
import { waitUntil } from '../wait-until.js';
import { answersSigned, ensureBuckets, generateAccessKeyId } from './buckets.js';
import {
  dataDir,
  HEALTH_PATH,
  NAME,
  objectstoreAddress,
  versitygwArgs,
  versitygwEnv,
  versitygwExecutable,
} from './server.js';

/** GET of the health path: 200 when the gateway serves. */
async function healthy(ctx: ComponentContext): Promise<boolean> {
  const response = await fetch(new URL(HEALTH_PATH, ctx.config.s3.url), {
    signal: AbortSignal.timeout(2000),
  });
  return response.ok;
}

/**
 * The S3-compatible object store: Versity Gateway (built from the Go module proxy) serving a
 * directory of the state dir through its POSIX backend, loopback only, with generated keys; the
 * buckets `lake` and `archive` are created at `up`.
 */
export function objectstoreComponent(): LocalComponent {
  const pidFile = (ctx: ComponentContext) => join(ctx.dir, `${NAME}.pid`);
  const logFile = (ctx: ComponentContext) => join(ctx.logDir, `${NAME}.log`);

  return {
    name: NAME,
    description: 'Versity Gateway: an S3-compatible object store over a local directory',
    dependsOn: [],
    units: [NAME],

    async checkPrerequisites(ctx) {
      versitygwExecutable();
      objectstoreAddress(ctx);
    },

    async start(ctx) {
      const generated = {
        ...(ctx.config.s3.accessKeyId ? {} : { accessKeyId: generateAccessKeyId() }),
        ...(ctx.config.s3.secretAccessKey ? {} : { secretAccessKey: generateSecret() }),
      };
      if (Object.keys(generated).length > 0) ctx.publish({ s3: generated });
      const { url, region } = ctx.config.s3;
      ctx.publish({ s3: { url, region } });
      const { host, port } = objectstoreAddress(ctx);
      if (runningPid(pidFile(ctx))) {
        ctx.reporter.step(NAME, `already running on ${host}:${port}`);
      } else {
        await assertPortFree(NAME, host, port, 'DATAPARK_S3_URL');
        mkdirSync(dataDir(ctx), { recursive: true, mode: 0o700 });
        ctx.reporter.step(NAME, `starting versitygw on ${host}:${port}`);
        startDaemon({
          command: versitygwExecutable(),
          args: versitygwArgs(ctx),
          pidFile: pidFile(ctx),
          logFile: logFile(ctx),
          cwd: ctx.dir,
          env: versitygwEnv(ctx),
        });
      }
      await waitUntil(
        async () => {
          if (!runningPid(pidFile(ctx)))
            throw new PlatformError(
              'versitygw exited',
              NAME,
              `its log says why: npx nx run platform:logs -- ${NAME}`,
              'OBJECTSTORE_EXITED',
            );
          return healthy(ctx).catch(() => false);
        },
        {
          component: NAME,
          what: 'the object store to answer its health check',
          timeoutMs: 30_000,
          reporter: ctx.reporter,
          fix: `see ${logFile(ctx)}`,
        },
      );
    },

    async provision(ctx) {
      try {
        const created = await ensureBuckets(ctx.config);
        if (created.length > 0) ctx.reporter.step(NAME, `created buckets ${created.join(', ')}`);
      } catch (error) {
        // A store left running from before a `down --purge` (or an endpoints file from
        // another checkout) holds other keys: name that, not the SDK's bare 403.
        throw new PlatformError(
          `could not create the buckets: ${(error as Error).name}: ${(error as Error).message}`,
          NAME,
          `the store at ${ctx.config.s3.url} refused the keys of ${ctx.config.endpointsFile}; restart it so it reads them: datapark stop ${NAME}, then up`,
          'OBJECTSTORE_BUCKETS',
        );
      }
    },

    async stop(ctx) {
      await stopDaemon(pidFile(ctx));
    },

    async status(ctx): Promise<ComponentStatus> {
      const status = await singleProcessStatus(
        NAME,
        runningPid(pidFile(ctx)),
        () => healthy(ctx),
        ctx.config.s3.url,
      );
      if (status.state !== 'running') return status;
      // Up, but does it take our keys? A store started with other keys serves nobody here.
      const signed = await answersSigned(ctx.config).catch(() => false);
      if (signed) return status;
      // Keys a DATAPARK_* variable set are the likelier culprit than the gateway's.
      const overridden = ['s3.accessKeyId', 's3.secretAccessKey']
        .map((key) => valueOrigin(ctx.config, key))
        .filter((o) => o?.from === 'environment')
        .map((o) => o!.variable!);
      return {
        ...status,
        state: 'degraded',
        units: status.units.map((u) => ({ ...u, state: 'degraded' })),
        detail:
          overridden.length > 0
            ? `it answers at ${ctx.config.s3.url} but refuses the keys set by ${overridden.join(' and ')}. Fix: unset ${overridden.join(' and ')} to use the platform's keys`
            : `it answers at ${ctx.config.s3.url} but refuses the keys of the endpoints file. Fix: datapark stop ${NAME}, then up`,
      };
    },

    ports(ctx) {
      const { host, port } = objectstoreAddress(ctx);
      return [
        { unit: NAME, host, port, purpose: 'S3 API (object store)', variable: 'DATAPARK_S3_URL' },
      ];
    },

    logFiles(ctx) {
      return [logFile(ctx)];
    },
  };
}
