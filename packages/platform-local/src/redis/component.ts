import { join } from 'node:path';
import type { ComponentContext, ComponentStatus, LocalComponent } from '@datapark/platform';
import { startDaemon, stopDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { assertPortFree } from '../ports.js';
import { requireExecutable } from '../prerequisites.js';
import { generateSecret } from '../secrets.js';
import { singleProcessStatus } from '../single-process-status.js';
import { waitUntil } from '../wait-until.js';
import { writeRedisConf } from './config-file.js';
import { redisPing } from './ping.js';

const NAME = 'redis';

/** Redis from Debian's package: the Celery broker of Airflow. Password required, loopback only. */
export function redisComponent(): LocalComponent {
  const pidFile = (ctx: ComponentContext) => join(ctx.dir, 'redis.pid');
  const logFile = (ctx: ComponentContext) => join(ctx.logDir, 'redis.log');
  const ping = (ctx: ComponentContext) =>
    redisPing(ctx.config.redis.host, ctx.config.redis.port, ctx.config.redis.password ?? '');

  return {
    name: NAME,
    description: 'Redis (Debian package), the Celery broker',
    dependsOn: [],
    units: [NAME],

    async checkPrerequisites() {
      requireExecutable(NAME, 'redis-server', { debianPackage: 'redis-server' });
    },

    async start(ctx) {
      if (!ctx.config.redis.password) ctx.publish({ redis: { password: generateSecret() } });
      const { host, port, password } = ctx.config.redis;
      ctx.publish({ redis: { host, port } });
      if (runningPid(pidFile(ctx))) {
        ctx.reporter.step(NAME, `already running on ${host}:${port}`);
      } else {
        await assertPortFree(NAME, host, port, 'DATAPARK_REDIS_PORT');
        const conf = writeRedisConf(ctx, { host, port, password });
        ctx.reporter.step(NAME, `starting on ${host}:${port}`);
        startDaemon({
          command: requireExecutable(NAME, 'redis-server', { debianPackage: 'redis-server' }),
          args: [conf],
          pidFile: pidFile(ctx),
          logFile: logFile(ctx),
          cwd: ctx.dir,
        });
      }
      await waitUntil(() => ping(ctx), {
        component: NAME,
        what: 'Redis to answer PING',
        timeoutMs: 30_000,
        reporter: ctx.reporter,
        fix: `see ${logFile(ctx)}`,
      });
    },

    async stop(ctx) {
      await stopDaemon(pidFile(ctx));
    },

    async status(ctx): Promise<ComponentStatus> {
      const { host, port } = ctx.config.redis;
      return singleProcessStatus(
        NAME,
        runningPid(pidFile(ctx)),
        () => ping(ctx),
        `${host}:${port}`,
      );
    },

    ports(ctx) {
      const { host, port } = ctx.config.redis;
      return [{ unit: NAME, host, port, purpose: 'Redis', variable: 'DATAPARK_REDIS_PORT' }];
    },

    logFiles(ctx) {
      return [logFile(ctx)];
    },
  };
}
