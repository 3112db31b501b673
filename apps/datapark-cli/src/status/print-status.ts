import { S3_BUCKETS, type DataparkConfig } from '@datapark/config';
import type { ComponentStatus } from '@datapark/platform';

/**
 * The status table: one row per component and per unit of a component with several; under a
 * component, what it adds (brokers registered, alerts firing) and, when it is degraded, why
 * (what does not answer, an override that points elsewhere and the fix, the units not running).
 */
export function statusTable(statuses: readonly ComponentStatus[]): string[] {
  const rows: string[][] = [];
  const notes = new Map<number, string>();
  for (const s of statuses) {
    rows.push([
      s.component,
      s.state,
      s.endpoint ?? '',
      s.units.length === 1 ? String(s.units[0]?.pid ?? '') : '',
    ]);
    const down = s.units.filter((u) => u.state !== 'running').map((u) => u.name);
    const why = s.detail ?? (down.length > 0 ? `not running: ${down.join(', ')}` : undefined);
    const note = s.state === 'degraded' ? why : s.detail;
    if (note) notes.set(rows.length - 1, note);
    if (s.units.length > 1)
      for (const u of s.units)
        rows.push([`  ${u.name}`, u.state, u.detail ?? '', String(u.pid ?? '')]);
  }
  const table = [['COMPONENT', 'STATE', 'ENDPOINT', 'PID'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  const lines: string[] = [];
  table.forEach((row, i) => {
    lines.push(
      row
        .map((c, j) => c.padEnd(widths[j]!))
        .join('  ')
        .trimEnd(),
    );
    const note = notes.get(i - 1);
    if (note) lines.push(`  ↳ ${note}`);
  });
  if (statuses.some((s) => s.state === 'degraded'))
    lines.push(
      '',
      'Degraded: `datapark doctor` shows why, with the last lines of its log and the fix.',
    );
  return lines;
}

/** The web UIs, where to log in to them, and the command-line tools, for `datapark status`. */
export function whereToLook(
  config: DataparkConfig,
  statuses: readonly ComponentStatus[],
): string[] {
  // A UI served by one unit of its component (the history server, which the lean profile leaves
  // out) is listed only while that unit runs.
  const running = (component: string, unit?: string) => {
    const status = statuses.find((s) => s.component === component);
    if ((status?.state ?? 'stopped') === 'stopped') return false;
    if (!unit) return true;
    const state = status?.units.find((u) => u.name === unit)?.state;
    return state !== undefined && state !== 'stopped';
  };
  const file = config.endpointsFile;
  const uis: [string, string, string, string, string?][] = [
    [
      'airflow',
      'Airflow',
      config.airflow.url,
      `user ${config.airflow.username}, password: airflow.password`,
    ],
    ['jupyter', 'JupyterLab', config.jupyter.url, 'token: jupyter.token'],
    [
      'superset',
      'Superset',
      config.superset.url,
      `user ${config.superset.username}, password: superset.password`,
    ],
    ['spark', 'Spark master', config.spark.uiUrl, 'no login (127.0.0.1 only)'],
    [
      'spark',
      'Spark history',
      config.spark.historyUrl,
      'no login (127.0.0.1 only)',
      'spark-history',
    ],
    [
      'monitoring',
      'Prometheus',
      config.monitoring.prometheusUrl,
      `user ${config.monitoring.username}, password: monitoring.password`,
    ],
    [
      'monitoring',
      'Dashboards',
      new URL('consoles/datapark.html', config.monitoring.prometheusUrl).href,
      `user ${config.monitoring.username}, password: monitoring.password`,
    ],
    [
      'monitoring',
      'Alertmanager',
      config.monitoring.alertmanagerUrl,
      `user ${config.monitoring.username}, password: monitoring.password`,
    ],
  ];
  const shown = uis.filter(([component, , , , unit]) => running(component, unit));
  // No web UI: an API every S3 client speaks, with the buckets it holds.
  const objectStore = running('objectstore')
    ? [
        `Object store: S3 API at ${config.s3.url} (path-style, region ${config.s3.region}), buckets ${S3_BUCKETS.join(', ')}; keys: s3.accessKeyId, s3.secretAccessKey.`,
      ]
    : [];
  if (shown.length === 0) return objectStore.length > 0 ? ['', ...objectStore] : [];
  const width = Math.max(...shown.map(([, name]) => name.length));
  const urlWidth = Math.max(...shown.map(([, , url]) => url.length));
  return [
    '',
    'Web UIs',
    ...shown.map(
      ([, name, url, login]) => `  ${name.padEnd(width)}  ${url.padEnd(urlWidth)}  ${login}`,
    ),
    ...objectStore,
    `Credentials: in ${file} (mode 0600), or \`datapark endpoints --show-secrets\`.`,
    'Tools: `datapark psql [role]`, `datapark kafka topics | consume TOPIC | produce TOPIC`.',
  ];
}
