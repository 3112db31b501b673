import { z } from 'zod';
import { eventSchema, Id, Money, Text } from '../envelope.js';

/** An anonymous visitor has no customer id until they log in or register. */
const SessionRef = { session_id: Id, customer_id: Id.nullable() };

const PageViewPayload = z
  .object({ ...SessionRef, page: Text.startsWith('/'), referrer: Text.nullable() })
  .strict();
export const PageViewV1 = eventSchema('page_view', PageViewPayload);
/** The kind of screen a visit came from. */
export const Device = z.enum(['desktop', 'mobile', 'tablet']);
/**
 * Version 2, the sample evolution of docs/contracts.md: an optional `device`. Optional, so every
 * version-1 page view is a valid version 2 (BACKWARD): readers of version 2 read both.
 */
export const PageViewV2 = eventSchema(
  'page_view',
  PageViewPayload.extend({ device: Device.optional() }).strict(),
  2,
);
/** Every published version of page_view, told apart by `schema_version`. */
export const PageView = z.discriminatedUnion('schema_version', [PageViewV1, PageViewV2]);
export const ProductView = eventSchema(
  'product_view',
  z.object({ ...SessionRef, product_id: Id }).strict(),
);
export const Search = eventSchema(
  'search',
  z
    .object({
      ...SessionRef,
      query: Text.min(1),
      results_count: z.number().int().nonnegative(),
    })
    .strict(),
);
export const AddToCart = eventSchema(
  'add_to_cart',
  z.object({ ...SessionRef, product_id: Id, quantity: z.number().int().positive() }).strict(),
);
export const RemoveFromCart = eventSchema(
  'remove_from_cart',
  z.object({ ...SessionRef, product_id: Id, quantity: z.number().int().positive() }).strict(),
);
export const CheckoutStarted = eventSchema(
  'checkout_started',
  z.object({ ...SessionRef, cart_value: Money, items_count: z.number().int().positive() }).strict(),
);

export const ClickstreamEvent = z.discriminatedUnion('event_type', [
  PageView,
  ProductView,
  Search,
  AddToCart,
  RemoveFromCart,
  CheckoutStarted,
]);
export type ClickstreamEvent = z.infer<typeof ClickstreamEvent>;
