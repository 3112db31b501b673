import type { EventOf, TopicName } from '@datapark/events';

export type GeneratedEvent = {
  [T in TopicName]: { readonly topic: T; readonly event: EventOf<T> };
}[TopicName];

export interface Customer {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  country: string;
  city: string;
  deleted: boolean;
}
export interface Product {
  id: string;
  sku: string;
  name: string;
  category: string;
  price: number; // cents
  stock: number;
  active: boolean;
}
export interface Session {
  id: string;
  customer: Customer | null;
  converts: boolean;
  cart: { product: Product; quantity: number }[];
}
export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';
export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  total: number; // cents
}

export type Action =
  | { kind: 'register' }
  | { kind: 'update'; customer: Customer }
  | { kind: 'delete_customer' }
  | { kind: 'session' }
  | {
      kind: 'click';
      session: Session;
      step: 'product_view' | 'search' | 'add_to_cart' | 'checkout_started' | 'remove_from_cart';
    }
  | { kind: 'place_order'; session: Session }
  | { kind: 'advance_order'; orderId: string; to: OrderStatus }
  | { kind: 'price_change' }
  | { kind: 'restock' }
  | { kind: 'discontinue' }
  | { kind: 'launch' };

/** Order states and where each may go next: the lifecycle the simulation keeps to. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: ['refunded'],
  cancelled: [],
  refunded: [],
};

export const HOUR = 3600;
export const money = (cents: number) => (cents / 100).toFixed(2);
