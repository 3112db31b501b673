import type { ComponentContext } from '@datapark/platform';
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

/** The names of the alerts firing now, as Prometheus evaluates its rules. */
export async function firingAlerts(ctx: Pick<ComponentContext, 'config'>): Promise<string[]> {
  const response = await monitoringGet(ctx, 'prometheus', '/api/v1/alerts');
  if (!response.ok) return [];
  const body = (await response.json()) as {
    data: { alerts: { state: string; labels: { alertname: string } }[] };
  };
  const names = body.data.alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname);
  return [...new Set(names)].sort();
}
