import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { KERNELS, jupyterPaths } from './paths.js';

/**
 * The kernelspecs of {@link KERNELS} missing from the venv. tools/ci/jupyter-kernels.sh
 * (run by tools/ci/python.sh) installs them there, at install time rather than at `up`: they
 * name no state directory (a kernel finds the platform as the SDKs do), so JupyterLab,
 * `jupyter nbconvert --execute` and the tests all find the same two without JUPYTER_PATH.
 *
 * The TypeScript kernel is Deno's (`deno jupyter`), not tslab: tslab bundles its own fork of
 * TypeScript (5.0/5.1 at most), too old for Kysely 0.29's types (5.4+), and the fork's
 * internals keep a newer TypeScript from standing in. Deno imports the workspace packages from
 * node_modules exactly as a script does: `import { loadConfig } from '@datapark/config'`.
 */
export function missingKernelSpecs(ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir'>) {
  const { kernels } = jupyterPaths(ctx);
  return KERNELS.filter((name) => !existsSync(join(kernels, name, 'kernel.json')));
}
