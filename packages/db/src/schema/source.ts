import type { Generated, Numeric, Timestamp } from './column-types.js';

export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';
export type ProductStatus = 'active' | 'discontinued';

/** The simulated shop's customers (`source.customers`). */
export interface SourceCustomers {
  customer_id: string;
  email: string;
  first_name: string;
  last_name: string;
  country: string;
  city: string;
  registered_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface SourceProducts {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  price: Numeric;
  stock: number;
  status: Generated<ProductStatus>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SourceOrders {
  order_id: string;
  customer_id: string;
  status: OrderStatus;
  currency: Generated<string>;
  total_amount: Numeric;
  placed_at: Timestamp;
  updated_at: Timestamp;
}

/** One line of an order, at the price the product had when the order was placed. */
export interface SourceOrderItems {
  order_id: string;
  line_no: number;
  product_id: string;
  quantity: number;
  unit_price: Numeric;
}
