import { mkdirSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { ComponentContext, ComponentStatus, LocalComponent } from '../component.js';
import { singleProcessStatus } from '../component.js';
import { runningPid, startDaemon, stopDaemon } from '../daemon.js';
import { assertPortFree } from '../ports.js';
import { requireExecutable } from '../prerequisites.js';
import { generateSecret } from '../secrets.js';
import { waitUntil } from '../wait-until.js';

const NAME = 'redis';

/** Sends AUTH and PING over RESP; true on `+PONG`. */
export function redisPing(
  host: string,
  port: number,
  password: string,
  timeoutMs = 2000,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = '';
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer from Redis at ${host}:${port}`)));
    socket.once('error', fail);
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (received.includes('-')) fail(new Error(`Redis said: ${received.trim()}`));
      else if (received.includes('+PONG')) {
        socket.destroy();
        resolve(true);
      }
    });
    socket.connect(port, host, () => {
      const auth = `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`;
      socket.write(`${auth}*1\r\n$4\r\nPING\r\n`);
    });
  });
}

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
        mkdirSync(join(ctx.dir, 'data'), { recursive: true });
        const conf = join(ctx.dir, 'redis.conf');
        // The password sits in a 0600 file, not on the command line where `ps` shows it.
        writeFileSync(
          conf,
          [
            `bind ${host}`,
            `port ${port}`,
            'protected-mode yes',
            `requirepass ${password}`,
            `dir ${join(ctx.dir, 'data')}`,
            'appendonly yes',
            'daemonize no',
            'save 60 1000',
            '',
          ].join('\n'),
          { mode: 0o600 },
        );
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

    logFiles(ctx) {
      return [logFile(ctx)];
    },
  };
}
