/**
 * Lesson 13: dashboards as code. A Superset chart (orders per day) and a dashboard of your own,
 * made through Superset's REST API, so that a rerun makes the same ones again.
 * The page: docs/lessons/13-dashboard.md. Run it: node lab/lessons/13-dashboard.ts
 * Check it: datapark lesson check 13
 *
 * This is your copy (git ignores it). Fill in the TODOs, in order.
 */
import { loadConfig } from '@datapark/config';

/** Your chart's name (slice_name), your dashboard's title and slug. */
const CHART = 'Lab: orders per day';
const DASHBOARD = 'Lab dashboard';
const SLUG = 'lab-dashboard';
/** The dataset the chart reads: Superset's `daily_sales`, over processed.daily_sales. */
const DATASET = 'daily_sales';

const { url, username, password } = loadConfig().superset;

// The login (a JWT) and a CSRF token with its session cookie: Superset wants both on a POST,
// PUT or DELETE. Given, so that you spend your time on the chart.
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

/** One call of the REST API: its JSON answer, or an error saying what Superset said. */
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

/** `?q=` of a list endpoint (rison): the rows whose `col` equals `value`. */
const where = (col: string, value: string) =>
  `?q=${encodeURIComponent(`(filters:!((col:${col},opr:eq,value:'${value.replace(/[!']/g, (c) => `!${c}`)}')))`)}`;

const datasets = await api<{ count: number; result: { id: number; schema: string }[] }>(
  'GET',
  `/api/v1/dataset/${where('table_name', DATASET)}`,
);
console.log(`datasets named ${DATASET}: ${datasets.count}`);

// TODO 1: the dataset's id (datasets.result: its rows, with id and schema).

// TODO 2: your dashboard: find it by slug (GET /api/v1/dashboard/ with a filter), or create it
// (POST /api/v1/dashboard/ with dashboard_title and slug). Keep its id.

// TODO 3: the chart's params (the form data) and its query_context, as JSON strings: a
// timeseries over sales_date, one row per day, the metric SUM(orders_count). The page's
// "The chart" says where to find the shapes.

// TODO 4: find your chart by slice_name; PUT /api/v1/chart/{id} when it is there, else POST
// /api/v1/chart/: slice_name, viz_type, datasource_id, datasource_type "table", params,
// query_context, and dashboards: [your dashboard's id].
void [CHART, DASHBOARD, SLUG];
console.log('lesson 13: nothing made yet; fill in the TODOs');
