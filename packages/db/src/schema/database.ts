import type {
  EtlConsumerOffsets,
  EtlDeadLetters,
  EtlJobRuns,
  EtlLandedPerHour,
  EtlWatermarks,
} from './etl.js';
import type {
  ProcessedClickstreamSessions,
  ProcessedDailySales,
  ProcessedDimCustomers,
  ProcessedDimProducts,
  ProcessedFactOrderItems,
  ProcessedFactOrders,
  ProcessedProductPerformance,
  ProcessedRealtimeOrderMetrics,
} from './processed.js';
import type { QualityCheckResults, QualityCheckRuns, QualityChecks } from './quality.js';
import type {
  RawClickstreamEvents,
  RawCustomerEvents,
  RawOrderEvents,
  RawProductEvents,
} from './raw.js';
import type { SourceCustomers, SourceOrderItems, SourceOrders, SourceProducts } from './source.js';

/**
 * Every table of the `datapark` database, by `schema.table`: the contract between the
 * migrations, the SDKs and the apps. The drift test proves it matches the migrated schema.
 *
 * @example
 * ```ts
 * const db = createDb(loadConfig(), 'analyst');
 * const top = await db.selectFrom('processed.daily_sales').selectAll().orderBy('revenue', 'desc').limit(5).execute();
 * // select * from "processed"."daily_sales" order by "revenue" desc limit $1
 * ```
 */
export interface Database {
  'source.customers': SourceCustomers;
  'source.products': SourceProducts;
  'source.orders': SourceOrders;
  'source.order_items': SourceOrderItems;
  'raw.customer_events': RawCustomerEvents;
  'raw.product_events': RawProductEvents;
  'raw.order_events': RawOrderEvents;
  'raw.clickstream_events': RawClickstreamEvents;
  'processed.dim_customers': ProcessedDimCustomers;
  'processed.dim_products': ProcessedDimProducts;
  'processed.fact_orders': ProcessedFactOrders;
  'processed.fact_order_items': ProcessedFactOrderItems;
  'processed.daily_sales': ProcessedDailySales;
  'processed.product_performance': ProcessedProductPerformance;
  'processed.clickstream_sessions': ProcessedClickstreamSessions;
  'processed.realtime_order_metrics': ProcessedRealtimeOrderMetrics;
  'quality.checks': QualityChecks;
  'quality.check_runs': QualityCheckRuns;
  'quality.check_results': QualityCheckResults;
  'etl.job_runs': EtlJobRuns;
  'etl.watermarks': EtlWatermarks;
  'etl.consumer_offsets': EtlConsumerOffsets;
  'etl.dead_letters': EtlDeadLetters;
  'etl.landed_per_hour': EtlLandedPerHour;
}

export type TableName = keyof Database;
