import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';

export const NAME = 'jupyter';

/** The kernelspecs the sample notebooks name. */
export const KERNELS = ['datapark-typescript', 'datapark-pyspark'] as const;

/**
 * Paths of the Jupyter installation this checkout uses: the project venv, and Deno from npm
 * (package `deno`, whose platform package carries the binary) as the TypeScript kernel.
 */
export function jupyterPaths(ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir'>) {
  return {
    jupyter: join(ctx.workspaceRoot, '.venv', 'bin', 'jupyter'),
    python: join(ctx.workspaceRoot, '.venv', 'bin', 'python'),
    deno: join(ctx.workspaceRoot, 'node_modules', '@deno', 'linux-x64-glibc', 'deno'),
    /**
     * JupyterLab's root: the notebooks and nothing else (the project's package.json,
     * project.json and tests stay one level up, out of the learner's file browser).
     */
    notebooks: join(ctx.workspaceRoot, 'apps', 'notebooks', 'notebooks'),
    /**
     * Where tools/ci/jupyter-kernels.sh installs the kernelspecs: the venv's own data
     * directory, which every Jupyter of the venv searches without JUPYTER_PATH.
     */
    kernels: join(ctx.workspaceRoot, '.venv', 'share', 'jupyter', 'kernels'),
    configDir: join(ctx.dir, 'config'),
    runtimeDir: join(ctx.dir, 'runtime'),
  };
}
