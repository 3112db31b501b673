import type { Order, OrderStatus, Session } from './model.js';
import { HOUR, money, ORDER_TRANSITIONS } from './model.js';
import type { ShopContext } from './shop-context.js';

/** Orders: placed from a session's cart, then paid, shipped, delivered, cancelled or refunded. */
export class Orders {
  // One transition is scheduled per order at a time: an order is forgotten once none is left,
  // so memory holds the orders in flight rather than every order ever placed.
  readonly inFlight = new Map<string, Order>();

  constructor(private readonly shop: ShopContext) {}

  place(session: Session): void {
    // A customer who stopped shopping since the visit began still completes it.
    const customer = session.customer;
    if (!customer || customer.deleted) return;
    // Only what is still for sale and in stock, at today's price.
    const lines = session.cart.filter((l) => l.product.active && l.product.stock >= l.quantity);
    if (lines.length === 0) return;
    const orderId = this.shop.rng.uuid();
    const items = lines.map((l, i) => ({
      line_no: i + 1,
      product_id: l.product.id,
      quantity: l.quantity,
      unit_price: money(l.product.price),
    }));
    const total = lines.reduce((sum, l) => sum + l.quantity * l.product.price, 0);
    this.inFlight.set(orderId, { id: orderId, customerId: customer.id, status: 'placed', total });
    this.shop.emit('order-events', 'order_placed', {
      order_id: orderId,
      customer_id: customer.id,
      items,
      total_amount: money(total),
      currency: 'EUR',
      session_id: session.id,
    });
    for (const { product, quantity } of lines) {
      const old = product.stock;
      product.stock -= quantity;
      this.shop.emit('product-events', 'stock_changed', {
        product_id: product.id,
        old_stock: old,
        new_stock: product.stock,
        reason: 'sale',
      });
    }
    if (this.shop.rng.chance(this.shop.config.cancelRate))
      this.shop.later(this.shop.rng.exponential(1800), {
        kind: 'advance_order',
        orderId,
        to: 'cancelled',
      });
    else
      this.shop.later(this.shop.rng.exponential(600), {
        kind: 'advance_order',
        orderId,
        to: 'paid',
      });
  }
  advance(orderId: string, to: OrderStatus): void {
    const order = this.inFlight.get(orderId);
    if (!order || !ORDER_TRANSITIONS[order.status].includes(to)) return;
    order.status = to;
    // An order has one transition scheduled at a time: once none is left, forget it, so memory
    // holds the orders in flight rather than every order ever placed.
    if (to === 'cancelled' || to === 'refunded') this.inFlight.delete(orderId);
    const ref = { order_id: orderId, customer_id: order.customerId };
    switch (to) {
      case 'paid':
        this.shop.emit('order-events', 'order_paid', {
          ...ref,
          amount: money(order.total),
          payment_method: this.shop.rng.pick(['card', 'paypal', 'invoice'] as const),
        });
        this.shop.later(this.shop.rng.exponential(24 * HOUR), {
          kind: 'advance_order',
          orderId,
          to: 'shipped',
        });
        return;
      case 'shipped':
        this.shop.emit('order-events', 'order_shipped', {
          ...ref,
          carrier: this.shop.rng.pick(['DHL', 'UPS', 'PostNL']),
          tracking_number: this.shop.rng.uuid().slice(0, 12).toUpperCase(),
        });
        this.shop.later(this.shop.rng.exponential(48 * HOUR), {
          kind: 'advance_order',
          orderId,
          to: 'delivered',
        });
        return;
      case 'delivered':
        this.shop.emit('order-events', 'order_delivered', ref);
        if (this.shop.rng.chance(this.shop.config.refundRate))
          this.shop.later(this.shop.rng.exponential(72 * HOUR), {
            kind: 'advance_order',
            orderId,
            to: 'refunded',
          });
        else this.inFlight.delete(orderId);
        return;
      case 'cancelled':
        this.shop.emit('order-events', 'order_cancelled', {
          ...ref,
          reason: this.shop.rng.pick([
            'customer_request',
            'payment_failed',
            'out_of_stock',
          ] as const),
        });
        return;
      case 'refunded':
        this.shop.emit('order-events', 'order_refunded', {
          ...ref,
          amount: money(order.total),
          reason: this.shop.rng.pick(['damaged', 'not_as_described', 'changed_mind'] as const),
        });
        return;
      case 'placed':
        return;
    }
  }
}
