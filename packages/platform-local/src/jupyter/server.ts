import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { startDaemon } from '../daemon.js';
import { jupyterPaths, NAME } from './paths.js';
import { jupyterServerArgs, jupyterServerEnv } from './server-config.js';

export const jupyterPidFile = (ctx: ComponentContext) => join(ctx.dir, 'jupyter.pid');
export const jupyterLogFile = (ctx: ComponentContext) => join(ctx.logDir, 'jupyter.log');

/**
 * Starts JupyterLab on the configured URL (loopback), rooted at apps/notebooks/notebooks, with
 * the venv's kernelspecs and the token in a 0600 config file rather than on the command line.
 */
export function startJupyterServer(ctx: ComponentContext, url: URL): void {
  const p = jupyterPaths(ctx);
  mkdirSync(p.configDir, { recursive: true });
  mkdirSync(p.runtimeDir, { recursive: true });
  writeFileSync(
    join(p.configDir, 'jupyter_server_config.json'),
    JSON.stringify({ IdentityProvider: { token: ctx.config.jupyter.token } }, null, 2),
    { mode: 0o600 },
  );
  ctx.reporter.step(NAME, `starting JupyterLab at ${url.origin}`);
  // Tell Jupyter it may run as root only when we are root (CI, containers), and say so,
  // rather than for every user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) ctx.reporter.step(NAME, 'running as root: JupyterLab started with allow_root');
  startDaemon({
    command: p.jupyter,
    args: jupyterServerArgs(ctx, url, asRoot),
    pidFile: jupyterPidFile(ctx),
    logFile: jupyterLogFile(ctx),
    cwd: p.notebooks,
    env: jupyterServerEnv(ctx),
  });
}
