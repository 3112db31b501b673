import { z } from 'zod';
import { eventSchema, Id, Money, Text } from '../envelope.js';

export const ProductCreated = eventSchema(
  'product_created',
  z
    .object({
      product_id: Id,
      sku: Text.min(1),
      name: Text.min(1),
      category: Text.min(1),
      price: Money,
      stock: z.number().int().nonnegative(),
    })
    .strict(),
);
export const PriceChanged = eventSchema(
  'price_changed',
  z.object({ product_id: Id, old_price: Money, new_price: Money }).strict(),
);
export const StockChanged = eventSchema(
  'stock_changed',
  z
    .object({
      product_id: Id,
      old_stock: z.number().int().nonnegative(),
      new_stock: z.number().int().nonnegative(),
      reason: z.enum(['restock', 'sale', 'return', 'adjustment']),
    })
    .strict(),
);
export const ProductDiscontinued = eventSchema(
  'product_discontinued',
  z.object({ product_id: Id }).strict(),
);

export const ProductEvent = z.discriminatedUnion('event_type', [
  ProductCreated,
  PriceChanged,
  StockChanged,
  ProductDiscontinued,
]);
export type ProductEvent = z.infer<typeof ProductEvent>;
