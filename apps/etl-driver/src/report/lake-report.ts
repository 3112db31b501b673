import { DataparkError, type DataparkConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import type { Lake } from '@datapark/lake';

/** One Iceberg table of the lake: its rows now and the snapshots it keeps. */
export interface LakeTableReport {
  readonly table: string;
  readonly rows: number;
  readonly snapshots: number;
}

/** A day's sales as both sides hold them. */
export interface DaySales {
  readonly orders: number;
  readonly revenue: string;
}

/** The newest day `lake.gold.daily_sales` and `processed.daily_sales` both hold, side by side. */
export interface GoldAgainstProcessed {
  readonly day: string;
  readonly lake: DaySales;
  readonly processed: DaySales;
  readonly agree: boolean;
}

export type LakeReport =
  | {
      readonly reachable: true;
      readonly tables: readonly LakeTableReport[];
      readonly gold: GoldAgainstProcessed | null;
    }
  | { readonly reachable: false; readonly error: string; readonly hint?: string };

/**
 * The lake as a learner reads it (DuckDB in-process through `@datapark/lake`, as the `analyst`
 * role reads the catalog): every table's rows and snapshots, and gold against `processed` for
 * the newest day both have. A lake that cannot be read (no object store in this platform, the
 * extensions not installed) is a line of the report, not its failure.
 */
export async function buildLakeReport(config: DataparkConfig): Promise<LakeReport> {
  let lake: Lake | undefined;
  try {
    // Loaded here, not at the CLI's start: DuckDB's native module is for this command alone,
    // and one that fails to load is a line of the report too.
    const { openLake } = await import('@datapark/lake');
    lake = await openLake(config);
    const tables: LakeTableReport[] = [];
    for (const t of lake.tables) {
      const [row] = await lake.query<{ n: string }>(
        `SELECT count(*)::VARCHAR AS n FROM ${t.qualifiedName}`,
      );
      const snapshots = await lake.snapshots(t.qualifiedName);
      tables.push({
        table: t.qualifiedName,
        rows: Number(row?.n ?? 0),
        snapshots: snapshots.length,
      });
    }
    const goldDays = lake.tables.some((t) => t.qualifiedName === 'lake.gold.daily_sales')
      ? await lake.gold.dailySales()
      : [];
    return { reachable: true, tables, gold: await againstProcessed(config, goldDays) };
  } catch (error) {
    // Ours (the lake's, the config's) carry a hint; anything else its message. The catalog is
    // read at open, the object store at the first table: either may be what is missing.
    if (error instanceof DataparkError)
      return {
        reachable: false,
        error: error.message,
        ...(error.hint ? { hint: error.hint } : {}),
      };
    return { reachable: false, error: (error as Error).message };
  } finally {
    lake?.close();
  }
}

async function againstProcessed(
  config: DataparkConfig,
  goldDays: readonly { sales_date: string; orders_count: number; revenue: string }[],
): Promise<GoldAgainstProcessed | null> {
  if (goldDays.length === 0) return null;
  const pool = createPool(config, 'analyst', { max: 1 });
  try {
    const { rows } = await pool.query<{ day: string; orders: number; revenue: string }>(
      `SELECT sales_date::text AS day, orders_count AS orders, revenue::text AS revenue
         FROM processed.daily_sales WHERE sales_date = ANY($1::date[])
        ORDER BY sales_date DESC LIMIT 1`,
      [goldDays.map((d) => d.sales_date)],
    );
    const processed = rows[0];
    if (!processed) return null;
    const gold = goldDays.find((d) => d.sales_date === processed.day)!;
    const lakeSide = { orders: gold.orders_count, revenue: gold.revenue };
    const processedSide = { orders: processed.orders, revenue: processed.revenue };
    return {
      day: processed.day,
      lake: lakeSide,
      processed: processedSide,
      agree:
        lakeSide.orders === processedSide.orders &&
        Number(lakeSide.revenue) === Number(processedSide.revenue),
    };
  } finally {
    await pool.end();
  }
}
