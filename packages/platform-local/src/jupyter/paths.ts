import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';

export const NAME = 'jupyter';

/**
 * Paths of the Jupyter installation this checkout uses: the project venv, and Deno from npm
 * (package `deno`, whose platform package carries the binary) as the TypeScript kernel.
 */
export function jupyterPaths(ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir'>) {
  return {
    jupyter: join(ctx.workspaceRoot, '.venv', 'bin', 'jupyter'),
    python: join(ctx.workspaceRoot, '.venv', 'bin', 'python'),
    deno: join(ctx.workspaceRoot, 'node_modules', '@deno', 'linux-x64-glibc', 'deno'),
    notebooks: join(ctx.workspaceRoot, 'apps', 'notebooks'),
    /** On JUPYTER_PATH: our kernelspecs live in <share>/kernels. */
    share: join(ctx.dir, 'share'),
    configDir: join(ctx.dir, 'config'),
    runtimeDir: join(ctx.dir, 'runtime'),
  };
}
