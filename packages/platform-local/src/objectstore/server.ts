import { join } from 'node:path';
import { homedir } from 'node:os';
import { statsdAddress } from '@datapark/config';
import type { ComponentContext } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { requireExecutable } from '../prerequisites.js';

export const NAME = 'objectstore';

/** Where versitygw answers its health check (no authentication, GET only). */
export const HEALTH_PATH = '/health';

const goBin = () => join(process.env['GOPATH']?.split(':')[0] ?? join(homedir(), 'go'), 'bin');

/** The versitygw executable (built by tools/ci/objectstore.sh), or a PrerequisiteError. */
export function versitygwExecutable(): string {
  return requireExecutable(
    NAME,
    'versitygw',
    {
      command:
        'bash tools/ci/objectstore.sh (builds it with Go 1.25 or newer), or leave the object store out: npx nx run platform:up -- --without objectstore',
    },
    [goBin()],
  );
}

/** host and port of `s3.url`; the store listens on loopback only. */
export function objectstoreAddress(ctx: ComponentContext): { host: string; port: number } {
  const url = new URL(ctx.config.s3.url);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (url.protocol !== 'http:' || url.pathname !== '/')
    throw new PlatformError(
      `s3.url = ${ctx.config.s3.url}: the local object store serves plain http at a host and port, with no path`,
      NAME,
      'set DATAPARK_S3_URL to http://127.0.0.1:<port> (or unset it for http://127.0.0.1:17070)',
    );
  // URL keeps IPv6 literals in brackets; the listen address wants them the same way.
  return { host: url.hostname, port };
}

/** The data directory: one folder per bucket, one file per object, metadata in xattrs. */
export const dataDir = (ctx: ComponentContext) => join(ctx.dir, 'data');

/**
 * versitygw's command line: the POSIX backend over the data directory, listening on the
 * configured address only, with a health endpoint. No web UI and no admin API are started.
 * The root account's keys go in the environment ({@link versitygwEnv}), never on the command
 * line where `ps` shows them; request logging to stdout is off (`--quiet`), so no request
 * (and no access key id) lands in the log. Its request counters go as StatsD (UDP) to the
 * monitoring component's statsd_exporter, tagged service=objectstore; versitygw has no /metrics
 * of its own. With monitoring left out nothing listens there: the packets are lost and its
 * StatsD client logs a write error now and then, nothing more.
 */
export function versitygwArgs(ctx: ComponentContext): string[] {
  const { host, port } = objectstoreAddress(ctx);
  const statsd = statsdAddress(ctx.config);
  return [
    '--port',
    `${host}:${port}`,
    '--region',
    ctx.config.s3.region,
    '--health',
    HEALTH_PATH,
    '--quiet',
    '--metrics-service-name',
    NAME,
    '--metrics-statsd-servers',
    `${statsd.host}:${statsd.port}`,
    'posix',
    dataDir(ctx),
  ];
}

/** The root account's keys for versitygw, and nothing inherited that would turn on extra servers. */
export function versitygwEnv(ctx: ComponentContext): NodeJS.ProcessEnv {
  const { accessKeyId, secretAccessKey } = ctx.config.s3;
  if (!accessKeyId || !secretAccessKey)
    throw new PlatformError('no object store keys were generated', NAME, 'run up');
  const env: NodeJS.ProcessEnv = {};
  // versitygw reads VGW_* (and LOGFILE, WEBHOOK) from the environment: a variable set in the
  // user's shell must not open an admin port or a web UI on another interface.
  for (const [key, value] of Object.entries(process.env))
    if (!/^(VGW_|ROOT_(ACCESS|SECRET)|LOGFILE$|WEBHOOK$)/.test(key)) env[key] = value;
  return { ...env, ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey };
}
