import type { ComponentContext } from '@datapark/platform';
import { startDaemon } from '../daemon.js';
import { NAME, supersetPaths } from './paths.js';
import { supersetEnv } from './provisioning.js';

/**
 * gunicorn's command line for Superset on the configured URL (loopback): one worker with
 * threads (the memory of one Superset process, ~300 MB, rather than one per worker), a timeout
 * long enough for a slow chart query.
 */
export function supersetServerArgs(url: URL): string[] {
  return [
    '--bind',
    `${url.hostname}:${url.port}`,
    '--workers',
    '1',
    '--worker-class',
    'gthread',
    '--threads',
    '8',
    '--timeout',
    '120',
    '--limit-request-line',
    '0',
    '--limit-request-field_size',
    '0',
    'superset.app:create_app()',
  ];
}

/** Starts gunicorn serving Superset; its output goes to .datapark/logs/superset.log. */
export function startSupersetServer(ctx: ComponentContext, url: URL): void {
  const p = supersetPaths(ctx);
  ctx.reporter.step(NAME, `starting Superset at ${url.origin}`);
  startDaemon({
    command: p.gunicorn,
    args: supersetServerArgs(url),
    pidFile: p.pidFile,
    logFile: p.logFile,
    cwd: ctx.dir,
    env: supersetEnv(ctx),
  });
}
