import type { ComponentContext } from '@datapark/platform';

/** True when JupyterLab answers /api/status with the token. */
export async function jupyterHealthy(ctx: ComponentContext): Promise<boolean> {
  const url = new URL('/api/status', ctx.config.jupyter.url);
  const response = await fetch(url, {
    headers: { Authorization: `token ${ctx.config.jupyter.token ?? ''}` },
    signal: AbortSignal.timeout(3000),
  });
  return response.ok;
}
