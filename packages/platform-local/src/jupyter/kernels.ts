import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { jupyterPaths } from './paths.js';

/**
 * Writes the two kernelspecs: TypeScript and Python with PySpark (the venv's ipykernel). Both
 * get DATAPARK_STATE_DIR, so `loadConfig()` in a kernel finds this platform wherever the
 * notebook sits.
 *
 * The TypeScript kernel is Deno's (`deno jupyter`), not tslab: tslab bundles its own fork of
 * TypeScript (5.0/5.1 at most), too old for Kysely 0.29's types (5.4+), and the fork's
 * internals keep a newer TypeScript from standing in. Deno imports the workspace packages from
 * node_modules exactly as a script does: `import { loadConfig } from '@datapark/config'`.
 */
export function writeKernelSpecs(
  ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir' | 'stateDir'>,
): void {
  const p = jupyterPaths(ctx);
  const env = {
    DATAPARK_STATE_DIR: ctx.stateDir,
    PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`,
  };
  const specs = {
    'datapark-typescript': {
      argv: [p.deno, 'jupyter', '--kernel', '--conn', '{connection_file}'],
      display_name: 'TypeScript (Deno, Data Park SDKs)',
      language: 'typescript',
      env: { ...env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
    },
    'datapark-pyspark': {
      argv: [p.python, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      display_name: 'Python 3 (PySpark, Data Park)',
      language: 'python',
      // The cluster's spark-defaults.conf: master URL, connector jars on every classpath,
      // event logs for the history server. A notebook's SparkSession gets them all.
      env: {
        ...env,
        PYSPARK_PYTHON: p.python,
        PYSPARK_DRIVER_PYTHON: p.python,
        SPARK_CONF_DIR: join(ctx.stateDir, 'spark', 'conf'),
        // A notebook's Spark driver UI (port 4040) listens on loopback only.
        SPARK_LOCAL_IP: '127.0.0.1',
      },
    },
  };
  for (const [name, spec] of Object.entries(specs)) {
    const dir = join(p.share, 'kernels', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  }
}

/** The environment a Jupyter process (server or nbclient) needs to see our kernels and config. */
export function jupyterEnv(
  ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir' | 'stateDir'>,
): NodeJS.ProcessEnv {
  const p = jupyterPaths(ctx);
  return {
    ...process.env,
    JUPYTER_PATH: p.share,
    JUPYTER_CONFIG_DIR: p.configDir,
    JUPYTER_RUNTIME_DIR: p.runtimeDir,
    DATAPARK_STATE_DIR: ctx.stateDir,
    PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`,
  };
}
