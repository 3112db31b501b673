import type { ComponentContext } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { hostPort, monitoringAddresses } from './addresses.js';

/** The Authorization header of Prometheus' and Alertmanager's basic auth. */
export function monitoringAuthorization(ctx: Pick<ComponentContext, 'config'>): string {
  const { username, password } = ctx.config.monitoring;
  return `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
}

/** GET on Prometheus or Alertmanager with the platform's credentials. */
export async function monitoringGet(
  ctx: Pick<ComponentContext, 'config'>,
  which: 'prometheus' | 'alertmanager',
  path: string,
): Promise<Response> {
  const address = monitoringAddresses(ctx.config)[which];
  return fetch(`http://${hostPort(address)}${path}`, {
    headers: { Authorization: monitoringAuthorization(ctx) },
    signal: AbortSignal.timeout(3000),
  });
}

/** True when Prometheus or Alertmanager answers its readiness endpoint (`/-/ready`). */
export async function ready(
  ctx: Pick<ComponentContext, 'config'>,
  which: 'prometheus' | 'alertmanager',
): Promise<boolean> {
  return (await monitoringGet(ctx, which, '/-/ready')).ok;
}

/**
 * What fires now, as Alertmanager holds it (API v2: active, neither silenced nor inhibited): each
 * alert name once, sorted, with how many alerts of that name when more than one
 * (`DeadLettersArriving ×2`). Alertmanager rather than Prometheus: a silence hides an alert here
 * as it does in its UI.
 */
export async function firingAlerts(
  ctx: Pick<ComponentContext, 'config'>,
): Promise<{ total: number; names: string[] }> {
  const response = await monitoringGet(
    ctx,
    'alertmanager',
    '/api/v2/alerts?active=true&silenced=false&inhibited=false',
  );
  if (!response.ok)
    throw new PlatformError(
      `Alertmanager answered HTTP ${response.status}`,
      'alertmanager',
      'npx nx run platform:logs -- alertmanager',
      'ALERTMANAGER_HTTP',
    );
  const alerts = (await response.json()) as { labels: { alertname?: string } }[];
  const counts = new Map<string, number>();
  for (const a of alerts) {
    const name = a.labels.alertname ?? '(unnamed)';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => (n > 1 ? `${name} ×${n}` : name));
  return { total: alerts.length, names };
}
