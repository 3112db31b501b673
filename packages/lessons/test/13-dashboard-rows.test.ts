import { chartDay, compareChartRows } from '../src/lessons/13-dashboard.js';

// The checker's comparison of lesson 13, without a platform: a chart's rows, as
// /api/v1/chart/{id}/data/ gives them (the day as epoch milliseconds), against orders per day
// the checker read from processed.daily_sales.
const CHART = 'Lab: orders per day';
const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
const processed = new Map([
  ['2026-12-01', 180],
  ['2026-12-02', 195],
  ['2026-12-03', 212],
]);
const right = () => [...processed].map(([day, n]) => ({ sales_date: ms(day), Orders: n }));

describe('lesson 13: the chart’s rows against processed.daily_sales', () => {
  it('passes the right rows, saying how many days it compared', () => {
    expect(compareChartRows(CHART, right(), processed)).toEqual({
      name: 'Lab: orders per day: orders per day, as processed.daily_sales holds them',
      passed: true,
      detail: 'Orders agrees with processed.daily_sales on all 3 days both hold',
    });
  });

  it('compares only the days both hold (a day the chart shows that processed does not yet)', () => {
    const rows = [...right(), { sales_date: ms('2026-12-04'), Orders: 5 }];
    const item = compareChartRows(CHART, rows, processed);
    expect(item.passed).toBe(true);
    expect(item.detail).toBe('Orders agrees with processed.daily_sales on all 3 days both hold');
  });

  it('a wrong metric (a count of rows) names the days that differ, never the figures processed holds', () => {
    const rows = right().map((r) => ({ ...r, Orders: 1 }));
    const item = compareChartRows(CHART, rows, processed);
    expect(item).toEqual({
      name: 'Lab: orders per day: orders per day, as processed.daily_sales holds them',
      passed: false,
      detail:
        'Orders differs from processed.daily_sales on 3 of 3 days: 2026-12-01, 2026-12-02, 2026-12-03',
      pointer: expect.stringContaining('SUM(orders_count)'),
    });
    for (const n of processed.values()) expect(JSON.stringify(item)).not.toContain(String(n));
  });

  it('many days that differ are named five at a time', () => {
    const many = new Map(Array.from({ length: 8 }, (_, i) => [`2026-11-1${i}`, 10 + i] as const));
    const rows = [...many].map(([day]) => ({ sales_date: ms(day), Orders: 0 }));
    expect(compareChartRows(CHART, rows, many).detail).toBe(
      'Orders differs from processed.daily_sales on 8 of 8 days: 2026-11-10, 2026-11-11, 2026-11-12, 2026-11-13, 2026-11-14 and 3 more',
    );
  });

  it('no day column, two metrics, a finer time grain: each says what to look at', () => {
    const noDay = compareChartRows(
      CHART,
      [{ __timestamp: ms('2026-12-01'), Orders: 180 }],
      processed,
    );
    expect(noDay).toMatchObject({
      passed: false,
      detail: 'its rows have no sales_date column (they have __timestamp, Orders)',
    });
    expect(noDay.pointer).toContain('x_axis');

    const two = compareChartRows(
      CHART,
      right().map((r) => ({ ...r, Revenue: 1.5 })),
      processed,
    );
    expect(two.detail).toBe(
      'its rows hold 2 numbers beside the day (Orders, Revenue): one metric, no groupby',
    );

    const hourly = [
      { sales_date: ms('2026-12-01'), Orders: 90 },
      { sales_date: ms('2026-12-01') + 3_600_000, Orders: 90 },
    ];
    const item = compareChartRows(CHART, hourly, processed);
    expect(item.detail).toBe('more than one row for 2026-12-01');
    expect(item.pointer).toContain('P1D');
  });

  it('no rows, or no day processed holds: said as such', () => {
    expect(compareChartRows(CHART, [], processed).detail).toBe('its query returned no row');
    expect(
      compareChartRows(CHART, [{ sales_date: ms('2025-01-01'), Orders: 3 }], processed).detail,
    ).toBe('none of its 1 days (2025-01-01) is in processed.daily_sales');
  });

  it('reads a day as epoch milliseconds or as a date-time string, in UTC', () => {
    expect(chartDay(ms('2026-12-03'))).toBe('2026-12-03');
    expect(chartDay('2026-12-03T00:00:00')).toBe('2026-12-03');
    expect(chartDay('2026-12-03')).toBe('2026-12-03');
    expect(chartDay('yesterday')).toBeUndefined();
    expect(chartDay(null)).toBeUndefined();
  });
});
