import type { LakeParameter } from './lake.js';

/**
 * A row of `lake.gold.daily_sales`, as `processed.daily_sales` has it (without its `loaded_at`)
 * and in the same JavaScript types `@datapark/db` gives: the date as `'YYYY-MM-DD'`, money as a
 * decimal string (`'34.50'`, never a float), counts as numbers.
 */
export interface GoldDailySales {
  readonly sales_date: string;
  readonly orders_count: number;
  readonly items_sold: number;
  readonly revenue: string;
  readonly avg_order_value: string;
  readonly distinct_customers: number;
}

/** Days, both ends included, as `'YYYY-MM-DD'`; either end may be left open. */
export interface DayRange {
  readonly from?: string;
  readonly to?: string;
}

type Query = <Row extends object>(
  sql: string,
  params?: readonly LakeParameter[],
) => Promise<readonly Row[]>;

/**
 * Typed reads of the gold tables (`lake.gold.*`), the lake's side of `processed`. Reached as
 * `lake.gold`.
 *
 * @example
 * ```ts
 * await lake.gold.dailySales({ from: '2026-11-01', to: '2026-11-07' });
 * // SELECT sales_date, orders_count, … FROM lake.gold.daily_sales
 * //  WHERE sales_date BETWEEN $1::DATE AND $2::DATE ORDER BY sales_date
 * ```
 */
export class GoldTables {
  constructor(private readonly query: Query) {}

  /** The days of `lake.gold.daily_sales` in `range` (every day when none), oldest first. */
  dailySales(range: DayRange = {}): Promise<readonly GoldDailySales[]> {
    return this.query<GoldDailySales>(
      `SELECT sales_date, orders_count, items_sold, revenue, avg_order_value, distinct_customers
         FROM lake.gold.daily_sales
        WHERE sales_date BETWEEN coalesce($1::DATE, DATE '0001-01-01') AND coalesce($2::DATE, DATE '9999-12-31')
        ORDER BY sales_date`,
      [range.from ?? null, range.to ?? null],
    );
  }
}
