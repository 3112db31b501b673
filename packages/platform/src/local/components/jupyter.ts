import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ComponentContext, ComponentStatus, LocalComponent } from '../component.js';
import { singleProcessStatus } from '../component.js';
import { runningPid, startDaemon, stopDaemon } from '../daemon.js';
import { assertPortFree } from '../ports.js';
import { PrerequisiteError } from '../../errors.js';
import { generateSecret } from '../secrets.js';
import { waitUntil } from '../wait-until.js';

const NAME = 'jupyter';

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

/**
 * JupyterLab from the project venv, with token auth (the token is generated and written to the
 * endpoints file), a TypeScript kernel (Deno) and a Python/PySpark kernel.
 */
export function jupyterComponent(): LocalComponent {
  const pidFile = (ctx: ComponentContext) => join(ctx.dir, 'jupyter.pid');
  const logFile = (ctx: ComponentContext) => join(ctx.logDir, 'jupyter.log');
  const endpoint = (ctx: ComponentContext) => new URL(ctx.config.jupyter.url);

  const healthy = async (ctx: ComponentContext): Promise<boolean> => {
    const url = new URL('/api/status', ctx.config.jupyter.url);
    const response = await fetch(url, {
      headers: { Authorization: `token ${ctx.config.jupyter.token ?? ''}` },
      signal: AbortSignal.timeout(3000),
    });
    return response.ok;
  };

  return {
    name: NAME,
    description: 'JupyterLab with TypeScript (Deno) and Python/PySpark kernels',
    dependsOn: [],
    units: [NAME],

    async checkPrerequisites(ctx) {
      const p = jupyterPaths(ctx);
      if (!existsSync(p.jupyter)) {
        throw new PrerequisiteError(
          `JupyterLab is not installed in the project venv (${p.jupyter})`,
          NAME,
          'bash tools/ci/python.sh',
        );
      }
      if (!existsSync(p.deno)) {
        throw new PrerequisiteError(
          `Deno, the TypeScript kernel, is not installed (${p.deno})`,
          NAME,
          'npm ci',
        );
      }
    },

    async start(ctx) {
      if (!ctx.config.jupyter.token) ctx.publish({ jupyter: { token: generateSecret() } });
      ctx.publish({ jupyter: { url: ctx.config.jupyter.url } });
      const p = jupyterPaths(ctx);
      const url = endpoint(ctx);
      if (runningPid(pidFile(ctx))) {
        ctx.reporter.step(NAME, `already running at ${url.origin}`);
      } else {
        await assertPortFree(NAME, url.hostname, Number(url.port), 'DATAPARK_JUPYTER_URL');
        writeKernelSpecs(ctx);
        mkdirSync(p.configDir, { recursive: true });
        mkdirSync(p.runtimeDir, { recursive: true });
        // The token goes into a 0600 config file rather than onto the command line.
        writeFileSync(
          join(p.configDir, 'jupyter_server_config.json'),
          JSON.stringify({ IdentityProvider: { token: ctx.config.jupyter.token } }, null, 2),
          { mode: 0o600 },
        );
        ctx.reporter.step(NAME, `starting JupyterLab at ${url.origin}`);
        // Jupyter refuses to run as root unless told to; tell it only when we are root (CI,
        // containers), and say so, rather than for every user.
        const asRoot = process.getuid?.() === 0;
        if (asRoot) ctx.reporter.step(NAME, 'running as root: JupyterLab started with allow_root');
        startDaemon({
          command: p.jupyter,
          args: [
            'lab',
            '--no-browser',
            `--ServerApp.ip=${url.hostname}`,
            `--ServerApp.port=${url.port}`,
            '--ServerApp.port_retries=0',
            `--ServerApp.root_dir=${p.notebooks}`,
            ...(asRoot ? ['--ServerApp.allow_root=True'] : []),
            '--ServerApp.open_browser=False',
          ],
          pidFile: pidFile(ctx),
          logFile: logFile(ctx),
          cwd: p.notebooks,
          env: jupyterEnv(ctx),
        });
      }
      await waitUntil(() => healthy(ctx), {
        component: NAME,
        what: 'JupyterLab to answer /api/status',
        timeoutMs: 90_000,
        reporter: ctx.reporter,
        fix: `see ${logFile(ctx)}`,
      });
    },

    async stop(ctx) {
      await stopDaemon(pidFile(ctx));
    },

    async status(ctx): Promise<ComponentStatus> {
      return singleProcessStatus(
        NAME,
        runningPid(pidFile(ctx)),
        () => healthy(ctx),
        endpoint(ctx).origin,
      );
    },

    logFiles(ctx) {
      return [logFile(ctx)];
    },
  };
}
