import { z } from 'zod';
import { eventSchema, Id, Text } from '../envelope.js';

const CustomerDetails = {
  customer_id: Id,
  email: z.email(),
  first_name: Text.min(1),
  last_name: Text.min(1),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 country code like "DE"'),
  city: Text.min(1),
};

export const CustomerRegistered = eventSchema(
  'customer_registered',
  z.object(CustomerDetails).strict(),
);
/** The customer's details after the change (a full snapshot, so consumers need no state). */
export const CustomerUpdated = eventSchema(
  'customer_updated',
  z
    .object({
      ...CustomerDetails,
      changed: z.array(z.enum(['email', 'first_name', 'last_name', 'country', 'city'])).min(1),
    })
    .strict(),
);
export const CustomerDeleted = eventSchema(
  'customer_deleted',
  z.object({ customer_id: Id, reason: z.enum(['requested', 'inactive', 'fraud']) }).strict(),
);

export const CustomerEvent = z.discriminatedUnion('event_type', [
  CustomerRegistered,
  CustomerUpdated,
  CustomerDeleted,
]);
export type CustomerEvent = z.infer<typeof CustomerEvent>;
