import type { ShopContext } from './shop-context.js';
import type { Customer } from './model.js';
import { HOUR } from './model.js';
import { FIRST, LAST, PLACES } from './vocabulary.js';

/** Customers: they register, move house, and some leave. */
export class Customers {
  // Those who still shop. The shop holds objects, not ids: sessions and scheduled updates keep
  // what they name alive, so a customer who stops shopping is garbage once they are done.
  readonly active: Customer[] = [];

  constructor(private readonly shop: ShopContext) {}

  register(): void {
    const [country, city] = this.shop.rng.pick(PLACES);
    const id = this.shop.rng.uuid();
    const customer: Customer = {
      id,
      email: `${id.slice(0, 13)}@example.com`,
      first_name: this.shop.rng.pick(FIRST),
      last_name: this.shop.rng.pick(LAST),
      country,
      city,
      deleted: false,
    };
    this.active.push(customer);
    const { email, first_name, last_name } = customer;
    this.shop.emit('customer-events', 'customer_registered', {
      customer_id: id,
      email,
      first_name,
      last_name,
      country,
      city,
    });
    if (this.shop.rng.chance(0.2))
      this.shop.later(this.shop.rng.exponential(2 * 24 * HOUR), { kind: 'update', customer });
    this.shop.later(this.shop.rng.exponential(HOUR / this.shop.config.customersPerHour), {
      kind: 'register',
    });
    // Past the cap, someone else stops shopping: no event (they are not deleted, their row
    // stays), they are just never picked for a session again. The newcomer is not the one.
    if (this.active.length > this.shop.config.maxActiveCustomers)
      this.remove(this.shop.rng.int(0, this.active.length - 2));
  }
  /** Takes a customer out of those who shop; a swap-remove keeps it O(1). */
  remove(index: number): Customer {
    const last = this.active.pop()!;
    if (index === this.active.length) return last;
    const customer = this.active[index]!;
    this.active[index] = last;
    return customer;
  }
  update(customer: Customer): void {
    // A customer who stopped shopping may still move house; one who left may not.
    if (customer.deleted) return;
    const [country, city] = this.shop.rng.pick(PLACES);
    customer.country = country;
    customer.city = city;
    const { email, first_name, last_name } = customer;
    this.shop.emit('customer-events', 'customer_updated', {
      customer_id: customer.id,
      email,
      first_name,
      last_name,
      country,
      city,
      changed: ['country', 'city'],
    });
  }
  delete(): void {
    this.shop.later(this.shop.rng.exponential(HOUR / this.shop.config.customerDeletionsPerHour), {
      kind: 'delete_customer',
    });
    // Keep a few customers so sessions have someone to be.
    if (this.active.length <= 10) return;
    const customer = this.remove(this.shop.rng.int(0, this.active.length - 1));
    customer.deleted = true;
    this.shop.emit('customer-events', 'customer_deleted', {
      customer_id: customer.id,
      reason: this.shop.rng.pick(['requested', 'inactive', 'fraud'] as const),
    });
  }
}
