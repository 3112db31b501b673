import { createPool } from '@datapark/db';
import type { CheckItem, Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';
import { LessonError } from '../lesson-error.js';
import type { SupersetApi } from '../superset-api.js';
import { equalsFilter, supersetLogin } from '../superset-api.js';

const SLUG = '13-dashboard';
const PAGE = `docs/lessons/${SLUG}.md`;
/** The dataset the chart reads: Superset's `daily_sales`, over this table. */
export const DATASET = 'daily_sales';
const PROCESSED = 'processed.daily_sales';
/** The chart's x axis, a column of the dataset. */
const DAY_COLUMN = 'sales_date';

export const dashboardNames = (suffix: string) => ({
  chart: `Lab: orders per day${suffix}`,
  dashboard: `Lab dashboard${suffix}`,
  slug: `lab-dashboard${suffix}`,
});

/** A chart as the list endpoint (`GET /api/v1/chart/`) gives it. */
interface ChartRow {
  readonly id: number;
  readonly slice_name: string;
  readonly datasource_id?: number;
  readonly datasource_type?: string;
  readonly table?: { readonly table_name?: string };
  readonly dashboards?: readonly { readonly id: number; readonly dashboard_title?: string }[];
}

/** A day of a chart's rows, as `YYYY-MM-DD` (UTC): epoch milliseconds or a date-time string. */
export function chartDay(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value))
    return new Date(value).toISOString().slice(0, 10);
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d/.test(value)) {
    const parsed = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.slice(0, 10)}Z`);
    return Number.isNaN(parsed.getTime()) ? undefined : value.slice(0, 10);
  }
  return undefined;
}

/** Days named in a message: the first five, and how many more. */
const someDays = (days: readonly string[]) =>
  days.length > 5 ? `${days.slice(0, 5).join(', ')} and ${days.length - 5} more` : days.join(', ');

/**
 * The chart's rows (`/api/v1/chart/{id}/data/`'s `data`) against the orders per day the checker
 * read from processed.daily_sales, for the days both hold: one item, which says the days that
 * differ, never the figures processed holds. Pure, so that its messages are tested without a
 * platform.
 */
export function compareChartRows(
  chart: string,
  rows: readonly Readonly<Record<string, unknown>>[],
  processed: ReadonlyMap<string, number>,
): CheckItem {
  const name = `${chart}: orders per day, as ${PROCESSED} holds them`;
  const fail = (detail: string, pointer: string): CheckItem => ({
    name,
    passed: false,
    detail,
    pointer,
  });
  if (rows.length === 0)
    return fail(
      'its query returned no row',
      `a time range filter, or a row limit of 0? ${PAGE}, "The chart"`,
    );
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (!keys.includes(DAY_COLUMN))
    return fail(
      `its rows have no ${DAY_COLUMN} column (they have ${keys.join(', ')})`,
      `the x axis (x_axis in params, the BASE_AXIS column of the query_context): ${DAY_COLUMN}. ${PAGE}, "The chart"`,
    );
  const metrics = keys.filter(
    (k) => k !== DAY_COLUMN && rows.some((r) => typeof r[k] === 'number'),
  );
  if (metrics.length !== 1)
    return fail(
      metrics.length === 0
        ? 'its rows hold no number beside the day'
        : `its rows hold ${metrics.length} numbers beside the day (${metrics.join(', ')}): one metric, no groupby`,
      `one metric over orders_count, one row per day. ${PAGE}, "The chart"`,
    );
  const [metric] = metrics as [string];
  const byDay = new Map<string, number | null>();
  const doubled = new Set<string>();
  for (const row of rows) {
    const day = chartDay(row[DAY_COLUMN]);
    if (!day)
      return fail(
        `${DAY_COLUMN} ${JSON.stringify(row[DAY_COLUMN])} is not a day`,
        `the x axis is the date column ${DAY_COLUMN}, with the time grain P1D`,
      );
    if (byDay.has(day)) doubled.add(day);
    const value = row[metric];
    byDay.set(day, typeof value === 'number' ? value : null);
  }
  if (doubled.size)
    return fail(
      `more than one row for ${someDays([...doubled].sort())}`,
      'one row per day: the time grain P1D (time_grain_sqla, and the timeGrain of the query_context’s column), no groupby',
    );
  const both = [...byDay.keys()].filter((d) => processed.has(d)).sort();
  if (both.length === 0)
    return fail(
      `none of its ${byDay.size} days (${someDays([...byDay.keys()].sort())}) is in ${PROCESSED}`,
      `the dataset ${DATASET} (${PROCESSED}), its column ${DAY_COLUMN}`,
    );
  const differ = both.filter((d) => byDay.get(d) !== processed.get(d));
  if (differ.length)
    return fail(
      `${metric} differs from ${PROCESSED} on ${differ.length} of ${both.length} days: ${someDays(differ)}`,
      `the metric: the sum of orders_count per day (SUM(orders_count)), not a count of rows or another column. ${PAGE}, "The chart"`,
    );
  return {
    name,
    passed: true,
    detail: `${metric} agrees with ${PROCESSED} on all ${both.length} days both hold`,
  };
}

/** A list endpoint's `result`, the rows whose `col` equals `value`. */
async function listWhere<T>(
  api: SupersetApi,
  resource: 'chart' | 'dashboard' | 'dataset',
  col: string,
  value: string,
): Promise<T[]> {
  const answer = await api.request('GET', `/api/v1/${resource}/${equalsFilter(col, value)}`);
  if (answer.status !== 200)
    throw new LessonError(
      `Superset's /api/v1/${resource}/ answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
      { code: 'SUPERSET_API' },
    );
  return (answer.body['result'] as T[] | undefined) ?? [];
}

/** Orders per day in processed.daily_sales, read by the checker as the analyst role. */
async function processedOrders(context: LessonContext): Promise<Map<string, number>> {
  const pool = createPool(context.config, 'analyst', { max: 1 });
  try {
    const { rows } = await pool.query<{ day: string; orders: string }>(
      `SELECT sales_date::text AS day, orders_count::text AS orders FROM ${PROCESSED}`,
    );
    return new Map(rows.map((r) => [r.day, Number(r.orders)]));
  } finally {
    await pool.end();
  }
}

/** The failing item a Superset that cannot be reached or logged into gives. */
function unreachable(error: unknown): CheckItem[] {
  if (!(error instanceof LessonError)) throw error;
  return [
    {
      name: "the checker logs in to Superset's REST API",
      passed: false,
      detail: error.message,
      ...(error.hint ? { pointer: error.hint } : {}),
    },
  ];
}

export const dashboard: Lesson = {
  number: 13,
  slug: SLUG,
  title: 'Dashboards as code: a Superset chart and dashboard through the REST API',
  hints: [
    "Log in with POST /api/v1/security/login, then GET /api/v1/dataset/?q=… with a filter on table_name finds the dataset's id; the starter's api() does the login and the CSRF token for you.",
    'A chart is POST /api/v1/chart/ with slice_name, viz_type, datasource_id, datasource_type "table", params and query_context, both JSON strings. A rerun finds the chart by slice_name and PUTs /api/v1/chart/{id} instead.',
    'Copy the shape of a chart of the platform: packages/platform-local/superset/assets/charts/Daily_revenue.yaml is a timeseries over sales_date of daily_sales. Its query_context is what /api/v1/chart/{id}/data/ runs.',
    'The dashboard first (POST /api/v1/dashboard/ with dashboard_title and slug), then the chart with dashboards: [its id].',
  ],

  async start(context) {
    const names = dashboardNames(context.suffix);
    let api: SupersetApi;
    try {
      api = await supersetLogin(context.config);
    } catch (error) {
      if (!(error instanceof LessonError)) throw error;
      context.log(
        `Superset cannot be reached: ${error.message}${error.hint ? ` (${error.hint})` : ''}`,
      );
      return { dataset: null };
    }
    const datasets = await listWhere<{ id: number; schema?: string }>(
      api,
      'dataset',
      'table_name',
      DATASET,
    );
    const dataset = datasets.find((d) => d.schema === 'processed') ?? datasets[0];
    context.log(
      dataset
        ? `Superset is up; the dataset ${DATASET} is there. Your chart: "${names.chart}", your dashboard: slug ${names.slug}`
        : `Superset is up, but has no dataset ${DATASET}: \`datapark up\` imports the dashboards as code`,
    );
    return { dataset: dataset ? dataset.id : null };
  },

  async check(context) {
    const names = dashboardNames(context.suffix);
    let api: SupersetApi;
    try {
      api = await supersetLogin(context.config);
    } catch (error) {
      return unreachable(error);
    }
    const items: CheckItem[] = [];
    const charts = await listWhere<ChartRow>(api, 'chart', 'slice_name', names.chart);
    const chartName = `a chart named "${names.chart}" on the dataset ${DATASET}`;
    if (charts.length !== 1)
      return [
        {
          name: chartName,
          passed: false,
          detail:
            charts.length === 0
              ? 'Superset has no chart of that name'
              : `Superset has ${charts.length} charts of that name: a rerun updates the one there is (PUT /api/v1/chart/{id})`,
          pointer:
            charts.length === 0
              ? `${PAGE}, "Steps": run your script (node lab/lessons/13-dashboard.ts); POST /api/v1/chart/ creates the chart`
              : 'find the chart by slice_name before creating one; delete the extra ones in Superset (Charts) or with `datapark lesson reset 13`',
        },
      ];
    const chart = charts[0]!;
    const onDataset = chart.table?.table_name === DATASET && chart.datasource_type === 'table';
    items.push(
      onDataset
        ? { name: chartName, passed: true, detail: `chart ${chart.id}` }
        : {
            name: chartName,
            passed: false,
            detail: `chart ${chart.id} reads ${chart.table?.table_name ?? `datasource ${chart.datasource_id ?? 'none'}`}`,
            pointer: `datasource_id: the id of the dataset whose table_name is ${DATASET} (GET /api/v1/dataset/), datasource_type "table"`,
          },
    );

    const dashboards = await listWhere<{ id: number; dashboard_title: string }>(
      api,
      'dashboard',
      'slug',
      names.slug,
    );
    const dashboardName = `a dashboard with slug ${names.slug} that holds the chart`;
    const own = dashboards[0];
    items.push(
      !own
        ? {
            name: dashboardName,
            passed: false,
            detail: `Superset has no dashboard with slug ${names.slug}`,
            pointer: `${PAGE}, "The dashboard": POST /api/v1/dashboard/ with dashboard_title and slug`,
          }
        : !(chart.dashboards ?? []).some((d) => d.id === own.id)
          ? {
              name: dashboardName,
              passed: false,
              detail: `dashboard ${own.id} is there; the chart is on ${(chart.dashboards ?? []).length ? (chart.dashboards ?? []).map((d) => `"${d.dashboard_title ?? d.id}"`).join(', ') : 'no dashboard'}`,
              pointer:
                'a chart joins dashboards through its own `dashboards` list of ids (POST or PUT /api/v1/chart/…)',
            }
          : {
              name: dashboardName,
              passed: true,
              detail: `dashboard ${own.id}, "${own.dashboard_title}"`,
            },
    );
    if (!onDataset) return items;

    const data = await api.request('GET', `/api/v1/chart/${chart.id}/data/`);
    const dataName = `${names.chart}: Superset runs its saved query (/api/v1/chart/${chart.id}/data/)`;
    const message = String(data.body['message'] ?? JSON.stringify(data.body).slice(0, 300));
    if (data.status !== 200) {
      items.push({
        name: dataName,
        passed: false,
        detail: `HTTP ${data.status}: ${message}`,
        pointer: /query context/i.test(message)
          ? `save a query_context: the JSON string of the query Superset runs for the chart (datasource, queries, form_data), beside params. ${PAGE}, "The chart"`
          : 'open the chart in Superset (Charts): the explore view shows what its query says wrong',
      });
      return items;
    }
    const [result] =
      (data.body['result'] as { data?: Record<string, unknown>[] }[] | undefined) ?? [];
    items.push({ name: dataName, passed: true, detail: `${result?.data?.length ?? 0} rows` });
    items.push(compareChartRows(names.chart, result?.data ?? [], await processedOrders(context)));
    return items;
  },

  async reset(context) {
    const names = dashboardNames(context.suffix);
    const api = await supersetLogin(context.config);
    for (const chart of await listWhere<ChartRow>(api, 'chart', 'slice_name', names.chart))
      await api.request('DELETE', `/api/v1/chart/${chart.id}`);
    for (const own of await listWhere<{ id: number }>(api, 'dashboard', 'slug', names.slug))
      await api.request('DELETE', `/api/v1/dashboard/${own.id}`);
  },
};
