import { z } from 'zod';
import { eventSchema, Id, Money, Text } from '../envelope.js';

const OrderRef = { order_id: Id, customer_id: Id };

/** An order line, at the price the product had when the order was placed. */
export const OrderItem = z
  .object({
    line_no: z.number().int().positive(),
    product_id: Id,
    quantity: z.number().int().positive(),
    unit_price: Money,
  })
  .strict();

export const OrderPlaced = eventSchema(
  'order_placed',
  z
    .object({
      ...OrderRef,
      items: z.array(OrderItem).min(1),
      total_amount: Money,
      currency: z.string().regex(/^[A-Z]{3}$/),
      /** The clickstream session that led to the order, if any. */
      session_id: Id.nullable(),
    })
    .strict(),
);
export const OrderPaid = eventSchema(
  'order_paid',
  z
    .object({ ...OrderRef, amount: Money, payment_method: z.enum(['card', 'paypal', 'invoice']) })
    .strict(),
);
export const OrderShipped = eventSchema(
  'order_shipped',
  z.object({ ...OrderRef, carrier: Text.min(1), tracking_number: Text.min(1) }).strict(),
);
export const OrderDelivered = eventSchema('order_delivered', z.object(OrderRef).strict());
export const OrderCancelled = eventSchema(
  'order_cancelled',
  z
    .object({ ...OrderRef, reason: z.enum(['customer_request', 'payment_failed', 'out_of_stock']) })
    .strict(),
);
export const OrderRefunded = eventSchema(
  'order_refunded',
  z
    .object({
      ...OrderRef,
      amount: Money,
      reason: z.enum(['damaged', 'not_as_described', 'changed_mind']),
    })
    .strict(),
);

export const OrderEvent = z.discriminatedUnion('event_type', [
  OrderPlaced,
  OrderPaid,
  OrderShipped,
  OrderDelivered,
  OrderCancelled,
  OrderRefunded,
]);
export type OrderEvent = z.infer<typeof OrderEvent>;
export type OrderStatusEvent = OrderEvent['event_type'];
