import { config } from './fixtures.js';

const { prometheusUrl, alertmanagerUrl, username, password } = config.monitoring;
const authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;

export { alertmanagerUrl, prometheusUrl };

/** GET on Prometheus or Alertmanager with the platform's basic auth, as JSON. */
export async function getJson<T>(base: string, path: string): Promise<T> {
  const response = await fetch(new URL(path, base), {
    headers: { Authorization: authorization },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`GET ${base}${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** When Alertmanager last received it: Prometheus re-sends a firing alert every minute. */
  updatedAt: string;
  status: { state: string };
}

/** Alerts Alertmanager holds now (API v2), not silenced or inhibited, by name. */
export const alertsNamed = (name: string) =>
  getJson<ActiveAlert[]>(
    alertmanagerUrl,
    `/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=${encodeURIComponent(`alertname="${name}"`)}`,
  );

/** One instant vector from Prometheus. */
export const query = async (promql: string) =>
  (
    await getJson<{
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    }>(prometheusUrl, `/api/v1/query?query=${encodeURIComponent(promql)}`)
  ).data.result;

/** Fails naming the fix when the platform has no monitoring password (monitoring left out). */
export function requireMonitoring(): void {
  if (!password)
    throw new Error(
      'no monitoring password in the endpoints file: start the platform with monitoring (npx nx run platform:up)',
    );
}
