// Reference solution of lesson 13, run by its test as a learner runs theirs: the dashboard (found
// by slug, or created), then the chart on daily_sales (found by name and updated, or created),
// orders per day, with its query_context, on that dashboard.
import { loadConfig } from '@datapark/config';

const suffix = process.env['DATAPARK_LESSON_SUFFIX'] ?? '';
const CHART = `Lab: orders per day${suffix}`;
const DASHBOARD = `Lab dashboard${suffix}`;
const SLUG = `lab-dashboard${suffix}`;
const DATASET = 'daily_sales';

const { url, username, password } = loadConfig().superset;
const login = await fetch(new URL('/api/v1/security/login', url), {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ username, password, provider: 'db' }),
});
if (!login.ok) throw new Error(`Superset refused the login: ${login.status} ${await login.text()}`);
const { access_token: token } = (await login.json()) as { access_token: string };
const csrf = await fetch(new URL('/api/v1/security/csrf_token/', url), {
  headers: { Authorization: `Bearer ${token}` },
});
const { result: csrfToken } = (await csrf.json()) as { result: string };
const cookie = csrf.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, url), {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'X-CSRFToken': csrfToken,
      Referer: url,
      Cookie: cookie,
      'Content-Type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}
const where = (col: string, value: string) =>
  `?q=${encodeURIComponent(`(filters:!((col:${col},opr:eq,value:'${value.replace(/[!']/g, (c) => `!${c}`)}')))`)}`;

const datasets = await api<{ count: number; result: { id: number; schema: string }[] }>(
  'GET',
  `/api/v1/dataset/${where('table_name', DATASET)}`,
);
const dataset = datasets.result.find((d) => d.schema === 'processed')!;

const dashboards = await api<{ result: { id: number }[] }>(
  'GET',
  `/api/v1/dashboard/${where('slug', SLUG)}`,
);
const dashboardId: number =
  dashboards.result[0]?.id ??
  (
    await api<{ id: number }>('POST', '/api/v1/dashboard/', {
      dashboard_title: DASHBOARD,
      slug: SLUG,
      published: true,
    })
  ).id;

const metric = {
  expressionType: 'SQL',
  sqlExpression: 'SUM(orders_count)',
  label: 'Orders',
  hasCustomLabel: true,
  optionName: 'metric_orders',
};
const formData = {
  datasource: `${dataset.id}__table`,
  viz_type: 'echarts_timeseries_line',
  x_axis: 'sales_date',
  time_grain_sqla: 'P1D',
  x_axis_sort_asc: true,
  metrics: [metric],
  groupby: [],
  adhoc_filters: [
    {
      clause: 'WHERE',
      subject: 'sales_date',
      operator: 'TEMPORAL_RANGE',
      comparator: 'No filter',
      expressionType: 'SIMPLE',
    },
  ],
  row_limit: 10000,
};
const queryContext = {
  datasource: { id: dataset.id, type: 'table' },
  force: false,
  queries: [
    {
      filters: [],
      extras: { having: '', where: '' },
      applied_time_extras: {},
      columns: [
        {
          timeGrain: 'P1D',
          columnType: 'BASE_AXIS',
          sqlExpression: 'sales_date',
          label: 'sales_date',
          expressionType: 'SQL',
        },
      ],
      metrics: [metric],
      orderby: [[metric, false]],
      row_limit: 10000,
      series_columns: [],
      series_limit: 0,
      order_desc: true,
      time_offsets: [],
      post_processing: [
        {
          operation: 'pivot',
          options: {
            index: ['sales_date'],
            columns: [],
            aggregates: { Orders: { operator: 'mean' } },
            drop_missing_columns: false,
          },
        },
        { operation: 'flatten' },
      ],
    },
  ],
  form_data: formData,
  result_format: 'json',
  result_type: 'full',
};
const chart = {
  slice_name: CHART,
  viz_type: 'echarts_timeseries_line',
  datasource_id: dataset.id,
  datasource_type: 'table',
  params: JSON.stringify(formData),
  query_context: JSON.stringify(queryContext),
  dashboards: [dashboardId],
};
const charts = await api<{ result: { id: number }[] }>(
  'GET',
  `/api/v1/chart/${where('slice_name', CHART)}`,
);
const existing: number | undefined = charts.result[0]?.id;
const chartId: number =
  existing === undefined
    ? (await api<{ id: number }>('POST', '/api/v1/chart/', chart)).id
    : (await api<unknown>('PUT', `/api/v1/chart/${existing}`, chart), existing);
console.log(`chart ${chartId} "${CHART}" on dashboard ${dashboardId} (${SLUG})`);
