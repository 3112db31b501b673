import type { OrderStatus, ProductStatus } from '@datapark/db';
import type { GeneratedEvent } from '../shop-simulation.js';

/** A customer row as the events describe it (timestamps as ISO strings). */
export interface CustomerRow {
  customer_id: string;
  email: string;
  first_name: string;
  last_name: string;
  country: string;
  city: string;
  registered_at: string;
  updated_at: string;
  deleted_at: string | null;
}
/** What changed about a customer whose row an earlier batch wrote (null: unchanged). */
export type CustomerPatch = {
  [K in Exclude<keyof CustomerRow, 'registered_at'>]: K extends 'customer_id' | 'updated_at'
    ? string
    : string | null;
};
export interface ProductRow {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  price: string;
  stock: number;
  status: ProductStatus;
  created_at: string;
  updated_at: string;
}
export interface ProductPatch {
  product_id: string;
  price: string | null;
  stock: number | null;
  status: ProductStatus | null;
  updated_at: string;
}
export interface OrderRow {
  order_id: string;
  customer_id: string;
  status: OrderStatus;
  currency: string;
  total_amount: string;
  placed_at: string;
  updated_at: string;
}
export interface OrderItemRow {
  order_id: string;
  line_no: number;
  product_id: string;
  quantity: number;
  unit_price: string;
}
export interface OrderPatch {
  order_id: string;
  status: OrderStatus;
  updated_at: string;
}

const ORDER_STATUS_OF: Readonly<Record<string, OrderStatus>> = {
  order_paid: 'paid',
  order_shipped: 'shipped',
  order_delivered: 'delivered',
  order_cancelled: 'cancelled',
  order_refunded: 'refunded',
};

/**
 * A batch of events folded into the `source` rows they create or change: one entry per row,
 * holding its state after the batch. A row first seen in this batch is a full insert (later
 * events of the batch change it in memory); a row from an earlier batch gets a patch. Folding is
 * what lets a batch of thousands of events become a handful of set-based statements.
 */
export class SourceRowChanges {
  readonly customerInserts = new Map<string, CustomerRow>();
  readonly customerPatches = new Map<string, CustomerPatch>();
  readonly productInserts = new Map<string, ProductRow>();
  readonly productPatches = new Map<string, ProductPatch>();
  readonly orderInserts = new Map<string, OrderRow>();
  readonly orderItems: OrderItemRow[] = [];
  readonly orderPatches = new Map<string, OrderPatch>();

  /** Folds one event in; clickstream events change no table. */
  add({ topic, event }: GeneratedEvent): void {
    const at = event.occurred_at;
    if (topic === 'customer-events') {
      if (event.event_type === 'customer_registered') {
        this.customerInserts.set(event.payload.customer_id, {
          ...event.payload,
          registered_at: at,
          updated_at: at,
          deleted_at: null,
        });
        return;
      }
      const id = event.payload.customer_id;
      const change =
        event.event_type === 'customer_updated'
          ? (({ changed: _changed, ...details }) => details)(event.payload)
          : { deleted_at: at };
      const inserted = this.customerInserts.get(id);
      if (inserted) {
        Object.assign(inserted, change, { updated_at: at });
        return;
      }
      const patch = this.customerPatches.get(id) ?? {
        customer_id: id,
        email: null,
        first_name: null,
        last_name: null,
        country: null,
        city: null,
        updated_at: at,
        deleted_at: null,
      };
      this.customerPatches.set(id, Object.assign(patch, change, { updated_at: at }));
    } else if (topic === 'product-events') {
      if (event.event_type === 'product_created') {
        this.productInserts.set(event.payload.product_id, {
          ...event.payload,
          status: 'active',
          created_at: at,
          updated_at: at,
        });
        return;
      }
      const id = event.payload.product_id;
      const change =
        event.event_type === 'price_changed'
          ? { price: event.payload.new_price }
          : event.event_type === 'stock_changed'
            ? { stock: event.payload.new_stock }
            : { status: 'discontinued' as const };
      const inserted = this.productInserts.get(id);
      if (inserted) {
        Object.assign(inserted, change, { updated_at: at });
        return;
      }
      const patch = this.productPatches.get(id) ?? {
        product_id: id,
        price: null,
        stock: null,
        status: null,
        updated_at: at,
      };
      this.productPatches.set(id, Object.assign(patch, change, { updated_at: at }));
    } else if (topic === 'order-events') {
      if (event.event_type === 'order_placed') {
        const { order_id, customer_id, currency, total_amount, items } = event.payload;
        this.orderInserts.set(order_id, {
          order_id,
          customer_id,
          status: 'placed',
          currency,
          total_amount,
          placed_at: at,
          updated_at: at,
        });
        for (const item of items) this.orderItems.push({ order_id, ...item });
        return;
      }
      const id = event.payload.order_id;
      const status = ORDER_STATUS_OF[event.event_type]!;
      const inserted = this.orderInserts.get(id);
      if (inserted) {
        inserted.status = status;
        inserted.updated_at = at;
      } else this.orderPatches.set(id, { order_id: id, status, updated_at: at });
    }
  }

  get empty(): boolean {
    return (
      this.customerInserts.size +
        this.customerPatches.size +
        this.productInserts.size +
        this.productPatches.size +
        this.orderInserts.size +
        this.orderPatches.size ===
      0
    );
  }
}
