import type { ComponentContext } from '@datapark/platform';
import { jupyterPaths } from './paths.js';

/**
 * JupyterLab's command line: on the configured URL (loopback), rooted at the notebooks folder.
 * The token is not here but in a 0600 config file (see startJupyterServer).
 */
export function jupyterServerArgs(
  ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir'>,
  url: URL,
  asRoot: boolean,
): string[] {
  const p = jupyterPaths(ctx);
  return [
    'lab',
    '--no-browser',
    `--ServerApp.ip=${url.hostname}`,
    `--ServerApp.port=${url.port}`,
    '--ServerApp.port_retries=0',
    `--ServerApp.root_dir=${p.notebooks}`,
    // Jupyter refuses to run as root unless told to.
    ...(asRoot ? ['--ServerApp.allow_root=True'] : []),
    '--ServerApp.open_browser=False',
  ];
}

/**
 * The environment of the server, and so of its kernels: our config and runtime directories,
 * and the state directory, so a kernel of a platform whose state was moved still finds it.
 * The kernelspecs come from the venv (no JUPYTER_PATH).
 */
export function jupyterServerEnv(
  ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir' | 'stateDir'>,
): NodeJS.ProcessEnv {
  const p = jupyterPaths(ctx);
  const { JUPYTER_PATH: _ignored, ...env } = process.env;
  return {
    ...env,
    JUPYTER_CONFIG_DIR: p.configDir,
    JUPYTER_RUNTIME_DIR: p.runtimeDir,
    DATAPARK_STATE_DIR: ctx.stateDir,
  };
}
