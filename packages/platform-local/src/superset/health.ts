import type { ComponentContext } from '@datapark/platform';

/** True when Superset's web server answers /health with OK (it needs its metadata database). */
export async function supersetHealthy(ctx: Pick<ComponentContext, 'config'>): Promise<boolean> {
  const response = await fetch(new URL('/health', ctx.config.superset.url), {
    signal: AbortSignal.timeout(3000),
  });
  return response.ok && (await response.text()).trim() === 'OK';
}
