import { existsSync } from 'node:fs';
import type { ComponentContext, ComponentStatus, LocalComponent } from '@datapark/platform';
import { PrerequisiteError } from '@datapark/platform';
import { stopDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { assertPortFree } from '../ports.js';
import { generateSecret } from '../secrets.js';
import { singleProcessStatus } from '../single-process-status.js';
import { waitUntil } from '../wait-until.js';
import { jupyterHealthy } from './health.js';
import { missingKernelSpecs } from './kernels.js';
import { jupyterPaths, NAME } from './paths.js';
import { jupyterLogFile, jupyterPidFile, startJupyterServer } from './server.js';

/**
 * JupyterLab from the project venv, with token auth (the token is generated and written to the
 * endpoints file), a TypeScript kernel (Deno) and a Python/PySpark kernel.
 */
export function jupyterComponent(): LocalComponent {
  const endpoint = (ctx: ComponentContext) => new URL(ctx.config.jupyter.url);

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
      const missing = missingKernelSpecs(ctx);
      if (missing.length > 0) {
        throw new PrerequisiteError(
          `the notebooks' kernelspecs ${missing.join(', ')} are not installed in the project venv (${p.kernels})`,
          NAME,
          'bash tools/ci/python.sh',
        );
      }
    },

    async start(ctx) {
      if (!ctx.config.jupyter.token) ctx.publish({ jupyter: { token: generateSecret() } });
      ctx.publish({ jupyter: { url: ctx.config.jupyter.url } });
      const url = endpoint(ctx);
      if (runningPid(jupyterPidFile(ctx))) {
        ctx.reporter.step(NAME, `already running at ${url.origin}`);
      } else {
        await assertPortFree(NAME, url.hostname, Number(url.port), 'DATAPARK_JUPYTER_URL');
        startJupyterServer(ctx, url);
      }
      await waitUntil(() => jupyterHealthy(ctx), {
        component: NAME,
        what: 'JupyterLab to answer /api/status',
        timeoutMs: 90_000,
        reporter: ctx.reporter,
        fix: `see ${jupyterLogFile(ctx)}`,
      });
    },

    async stop(ctx) {
      await stopDaemon(jupyterPidFile(ctx));
    },

    async status(ctx): Promise<ComponentStatus> {
      return singleProcessStatus(
        NAME,
        runningPid(jupyterPidFile(ctx)),
        () => jupyterHealthy(ctx),
        endpoint(ctx).origin,
      );
    },

    ports(ctx) {
      const url = endpoint(ctx);
      return [
        {
          unit: NAME,
          host: url.hostname,
          port: Number(url.port),
          purpose: 'JupyterLab',
          variable: 'DATAPARK_JUPYTER_URL',
        },
      ];
    },

    logFiles(ctx) {
      return [jupyterLogFile(ctx)];
    },
  };
}
