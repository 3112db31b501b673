import type { DateString, Generated, Numeric, Timestamp } from './column-types.js';

export interface ProcessedDimCustomers {
  customer_id: string;
  email: string;
  full_name: string;
  country: string;
  city: string;
  registered_at: Timestamp;
  is_deleted: boolean;
  updated_at: Timestamp;
  loaded_at: Generated<Timestamp>;
}

export interface ProcessedDimProducts {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  current_price: Numeric;
  status: string;
  updated_at: Timestamp;
  loaded_at: Generated<Timestamp>;
}

export interface ProcessedFactOrders {
  order_id: string;
  customer_id: string;
  order_date: DateString;
  status: string;
  item_count: number;
  total_amount: Numeric;
  placed_at: Timestamp;
  loaded_at: Generated<Timestamp>;
}

export interface ProcessedFactOrderItems {
  order_id: string;
  line_no: number;
  product_id: string;
  order_date: DateString;
  quantity: number;
  unit_price: Numeric;
  line_amount: Numeric;
  loaded_at: Generated<Timestamp>;
}

export interface ProcessedDailySales {
  sales_date: DateString;
  orders_count: number;
  items_sold: number;
  revenue: Numeric;
  avg_order_value: Numeric;
  distinct_customers: number;
  loaded_at: Generated<Timestamp>;
}

export interface ProcessedProductPerformance {
  sales_date: DateString;
  product_id: string;
  units_sold: number;
  revenue: Numeric;
  orders_count: number;
  loaded_at: Generated<Timestamp>;
}

export interface ProcessedClickstreamSessions {
  session_id: string;
  customer_id: string | null;
  started_at: Timestamp;
  ended_at: Timestamp;
  events_count: number;
  page_views: number;
  product_views: number;
  searches: number;
  add_to_carts: number;
  checkout_started: boolean;
  loaded_at: Generated<Timestamp>;
}

/** Order events per event type per window, maintained by the streaming job. */
export interface ProcessedRealtimeOrderMetrics {
  window_start: Timestamp;
  window_end: Timestamp;
  event_type: string;
  events_count: number;
  revenue: Numeric;
  updated_at: Generated<Timestamp>;
}
