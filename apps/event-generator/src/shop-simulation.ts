import type { EventOf, TopicName } from '@datapark/events';
import { SCHEMA_VERSION } from '@datapark/events';
import { EventQueue } from './event-queue.js';
import { SeededRandom } from './seeded-random.js';
import type { SimulationConfig } from './simulation-config.js';

export type GeneratedEvent = {
  [T in TopicName]: { readonly topic: T; readonly event: EventOf<T> };
}[TopicName];

interface Customer {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  country: string;
  city: string;
  deleted: boolean;
}
interface Product {
  id: string;
  sku: string;
  name: string;
  category: string;
  price: number; // cents
  stock: number;
  active: boolean;
}
interface Session {
  id: string;
  customer: Customer | null;
  converts: boolean;
  cart: { product: Product; quantity: number }[];
}
type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';
interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  total: number; // cents
}

type Action =
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

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'John',
  'Radia',
  'Ken',
  'Margaret',
  'Linus',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Backus',
  'Perlman',
  'Thompson',
  'Hamilton',
  'Torvalds',
];
const PLACES = [
  ['DE', 'Berlin'],
  ['DE', 'Hamburg'],
  ['FR', 'Paris'],
  ['NL', 'Amsterdam'],
  ['GB', 'London'],
  ['US', 'Boston'],
  ['ES', 'Madrid'],
  ['IT', 'Milan'],
] as const;
const CATEGORIES = ['kitchen', 'books', 'garden', 'toys', 'sports', 'office'];
const SEARCHES = ['tea pot', 'gift', 'running shoes', 'notebook', 'lamp', 'puzzle'];
const HOUR = 3600;
const money = (cents: number) => (cents / 100).toFixed(2);

/**
 * A shop that lives in simulated time: customers register and change their details, products
 * change price and stock and are discontinued, browsing sessions turn into orders at the
 * configured rate, and orders move placed → paid → shipped → delivered, with cancellations and
 * refunds. Every order names a registered customer and active products at the price they had at
 * that moment; timestamps never go backwards. The same seed and config give the same events.
 */
export class ShopSimulation {
  private readonly rng: SeededRandom;
  private readonly queue = new EventQueue<Action>();
  // The shop holds objects, not ids to look up: sessions, carts and scheduled updates keep what
  // they name alive, and nothing else does, so a customer who stops shopping or a discontinued
  // product no cart holds is garbage. Memory stays bounded however long the shop runs.
  private readonly activeCustomers: Customer[] = [];
  private readonly activeProducts: Product[] = [];
  private productsCreated = 0;
  private readonly orders = new Map<string, Order>();
  private readonly startMs: number;
  private now = 0; // simulated seconds since start
  private readonly pending: GeneratedEvent[] = [];
  private pendingHead = 0;
  private stampMs = NaN;
  private stampText = '';
  private stampMinute = NaN;
  private stampPrefix = '';

  constructor(private readonly config: SimulationConfig) {
    this.rng = new SeededRandom(config.seed);
    this.startMs = Date.parse(config.start);
    for (let i = 0; i < config.products; i++) this.createProduct();
    this.queue.push(0, { kind: 'register' });
    if (config.customerDeletionsPerHour > 0)
      this.queue.push(this.rng.exponential(HOUR / config.customerDeletionsPerHour), {
        kind: 'delete_customer',
      });
    this.queue.push(this.rng.exponential(HOUR / config.sessionsPerHour), { kind: 'session' });
    if (config.priceChangesPerHour > 0)
      this.queue.push(this.rng.exponential(HOUR / config.priceChangesPerHour), {
        kind: 'price_change',
      });
    if (config.restocksPerHour > 0)
      this.queue.push(this.rng.exponential(HOUR / config.restocksPerHour), { kind: 'restock' });
    if (config.discontinuedPerDay > 0)
      this.queue.push(this.rng.exponential((24 * HOUR) / config.discontinuedPerDay), {
        kind: 'discontinue',
      });
    if (config.launchesPerDay > 0)
      this.queue.push(this.rng.exponential((24 * HOUR) / config.launchesPerDay), {
        kind: 'launch',
      });
  }

  /**
   * What the shop holds in memory: customers who still shop, products for sale, orders in
   * flight, scheduled actions. Each is bounded (by maxActiveCustomers, the launch and
   * discontinue rates, and the lifetimes of orders and sessions), not by how long it has run.
   */
  state(): {
    activeCustomers: number;
    activeProducts: number;
    ordersInFlight: number;
    scheduledActions: number;
  } {
    return {
      activeCustomers: this.activeCustomers.length,
      activeProducts: this.activeProducts.length,
      ordersInFlight: this.orders.size,
      scheduledActions: this.queue.size,
    };
  }

  /** Simulated time of the latest event, in milliseconds since the epoch. */
  get clockMs(): number {
    return this.startMs + Math.round(this.now * 1000);
  }

  /** Simulated time of the latest event, as a Date. */
  get clock(): Date {
    return new Date(this.startMs + Math.round(this.now * 1000));
  }

  /** The next event, in simulated time order. */
  next(): GeneratedEvent {
    // A read index instead of shift(): an action emits a few events at a time.
    while (this.pendingHead === this.pending.length) {
      this.pending.length = 0;
      this.pendingHead = 0;
      const due = this.queue.pop();
      if (!due) throw new Error('the simulation ran out of scheduled work');
      this.now = Math.max(this.now, due.at);
      this.run(due.item);
    }
    return this.pending[this.pendingHead++]!;
  }

  /** Events until `count` are produced or simulated time passes `until`. */
  *events(options: { count?: number; until?: Date } = {}): Generator<GeneratedEvent> {
    for (let n = 0; options.count === undefined || n < options.count; n++) {
      const event = this.next();
      if (options.until && Date.parse(event.event.occurred_at) >= options.until.getTime()) return;
      yield event;
    }
  }

  private emit<T extends TopicName>(
    topic: T,
    eventType: EventOf<T>['event_type'],
    payload: EventOf<T>['payload'],
  ): void {
    const event = {
      event_id: this.rng.uuid(),
      event_type: eventType,
      schema_version: SCHEMA_VERSION,
      occurred_at: this.timestamp(),
      producer: this.config.producer,
      payload,
    } as EventOf<T>;
    this.pending.push({ topic, event } as GeneratedEvent);
  }

  /** The clock as ISO 8601, cheaply: every event needs one, and the minute rarely changes. */
  private timestamp(): string {
    const ms = this.clockMs;
    if (ms === this.stampMs) return this.stampText;
    const minute = Math.floor(ms / 60_000);
    if (minute !== this.stampMinute) {
      this.stampMinute = minute;
      this.stampPrefix = new Date(minute * 60_000).toISOString().slice(0, 17); // …THH:MM:
    }
    const within = ms - minute * 60_000;
    const seconds = Math.floor(within / 1000);
    const millis = within - seconds * 1000;
    this.stampMs = ms;
    this.stampText =
      this.stampPrefix +
      (seconds < 10 ? '0' : '') +
      seconds +
      (millis < 10 ? '.00' : millis < 100 ? '.0' : '.') +
      millis +
      'Z';
    return this.stampText;
  }

  private later(after: number, action: Action): void {
    this.queue.push(this.now + after, action);
  }

  private createProduct(): void {
    const i = this.productsCreated++;
    const product: Product = {
      id: this.rng.uuid(),
      sku: '',
      name: `${this.rng.pick(['Classic', 'Compact', 'Deluxe', 'Eco', 'Smart'])} ${this.rng.pick(SEARCHES)} ${i}`,
      category: this.rng.pick(CATEGORIES),
      price: this.rng.int(199, 19_999),
      stock: this.rng.int(20, 500),
      active: true,
    };
    // SKUs are unique in source.products across runs, so they come from the (seeded) id.
    product.sku = `SKU-${product.id.slice(0, 8)}${product.id.slice(9, 13)}`.toUpperCase();
    this.activeProducts.push(product);
    const { id, sku, name, category, price, stock } = product;
    this.emit('product-events', 'product_created', {
      product_id: id,
      sku,
      name,
      category,
      price: money(price),
      stock,
    });
  }

  private run(action: Action): void {
    switch (action.kind) {
      case 'register':
        return this.register();
      case 'update':
        return this.updateCustomer(action.customer);
      case 'delete_customer':
        return this.deleteCustomer();
      case 'session':
        return this.startSession();
      case 'click':
        return this.click(action.session, action.step);
      case 'place_order':
        return this.placeOrder(action.session);
      case 'advance_order':
        return this.advanceOrder(action.orderId, action.to);
      case 'price_change':
        return this.changePrice();
      case 'restock':
        return this.restock();
      case 'discontinue':
        return this.discontinue();
      case 'launch':
        return this.launch();
    }
  }

  private register(): void {
    const [country, city] = this.rng.pick(PLACES);
    const id = this.rng.uuid();
    const customer: Customer = {
      id,
      email: `${id.slice(0, 13)}@example.com`,
      first_name: this.rng.pick(FIRST),
      last_name: this.rng.pick(LAST),
      country,
      city,
      deleted: false,
    };
    this.activeCustomers.push(customer);
    const { email, first_name, last_name } = customer;
    this.emit('customer-events', 'customer_registered', {
      customer_id: id,
      email,
      first_name,
      last_name,
      country,
      city,
    });
    if (this.rng.chance(0.2))
      this.later(this.rng.exponential(2 * 24 * HOUR), { kind: 'update', customer });
    this.later(this.rng.exponential(HOUR / this.config.customersPerHour), { kind: 'register' });
    // Past the cap, someone else stops shopping: no event (they are not deleted, their row
    // stays), they are just never picked for a session again. The newcomer is not the one.
    if (this.activeCustomers.length > this.config.maxActiveCustomers)
      this.removeActiveCustomer(this.rng.int(0, this.activeCustomers.length - 2));
  }

  /** Takes a customer out of those who shop; a swap-remove keeps it O(1). */
  private removeActiveCustomer(index: number): Customer {
    const last = this.activeCustomers.pop()!;
    if (index === this.activeCustomers.length) return last;
    const customer = this.activeCustomers[index]!;
    this.activeCustomers[index] = last;
    return customer;
  }

  private updateCustomer(customer: Customer): void {
    // A customer who stopped shopping may still move house; one who left may not.
    if (customer.deleted) return;
    const [country, city] = this.rng.pick(PLACES);
    customer.country = country;
    customer.city = city;
    const { email, first_name, last_name } = customer;
    this.emit('customer-events', 'customer_updated', {
      customer_id: customer.id,
      email,
      first_name,
      last_name,
      country,
      city,
      changed: ['country', 'city'],
    });
  }

  private deleteCustomer(): void {
    this.later(this.rng.exponential(HOUR / this.config.customerDeletionsPerHour), {
      kind: 'delete_customer',
    });
    // Keep a few customers so sessions have someone to be.
    if (this.activeCustomers.length <= 10) return;
    const customer = this.removeActiveCustomer(this.rng.int(0, this.activeCustomers.length - 1));
    customer.deleted = true;
    this.emit('customer-events', 'customer_deleted', {
      customer_id: customer.id,
      reason: this.rng.pick(['requested', 'inactive', 'fraud'] as const),
    });
  }

  private startSession(): void {
    this.later(this.rng.exponential(HOUR / this.config.sessionsPerHour), { kind: 'session' });
    const anonymous =
      this.activeCustomers.length === 0 || this.rng.chance(this.config.anonymousShare);
    const customer = anonymous ? null : this.rng.pick(this.activeCustomers);
    const customerId = customer?.id ?? null;
    const session: Session = {
      id: this.rng.uuid(),
      customer,
      converts: !anonymous && this.rng.chance(this.config.conversionRate),
      cart: [],
    };
    this.emit('clickstream', 'page_view', {
      session_id: session.id,
      customer_id: customerId,
      page: '/',
      referrer: this.rng.chance(0.5) ? 'https://search.example' : null,
    });
    // The visit's steps, seconds to minutes apart; abandoners stop at some step on the way.
    let t = 0;
    const step = (kind: Extract<Action, { kind: 'click' }>['step']) => {
      t += this.rng.exponential(30);
      this.later(t, { kind: 'click', session, step: kind });
    };
    if (this.rng.chance(0.4)) step('search');
    step('product_view');
    if (this.rng.chance(0.5)) step('product_view');
    if (session.converts || this.rng.chance(0.3)) {
      // Buyers often take more than one thing: orders of one to three lines.
      for (let n = session.converts ? this.rng.int(1, 3) : 1; n > 0; n--) step('add_to_cart');
      const checksOut = session.converts || this.rng.chance(0.3);
      if (checksOut) {
        step('checkout_started');
        if (session.converts)
          this.later(t + this.rng.exponential(60), { kind: 'place_order', session });
      } else {
        const changesMind = this.rng.chance(0.3);
        if (changesMind) step('remove_from_cart');
      }
    }
  }

  private click(session: Session, step: Extract<Action, { kind: 'click' }>['step']): void {
    const ids = { session_id: session.id, customer_id: session.customer?.id ?? null };
    if (step === 'search') {
      this.emit('clickstream', 'search', {
        ...ids,
        query: this.rng.pick(SEARCHES),
        results_count: this.rng.int(0, 40),
      });
    } else if (step === 'product_view') {
      if (this.activeProducts.length === 0) return;
      this.emit('clickstream', 'product_view', {
        ...ids,
        product_id: this.rng.pick(this.activeProducts).id,
      });
    } else if (step === 'add_to_cart') {
      if (this.activeProducts.length === 0) return;
      const product = this.rng.pick(this.activeProducts);
      const quantity = this.rng.int(1, 3);
      // The same product again adds to its line: an order has one line per product, so the
      // stock check at checkout holds for the order as a whole.
      const line = session.cart.find((l) => l.product === product);
      if (line) line.quantity += quantity;
      else session.cart.push({ product, quantity });
      this.emit('clickstream', 'add_to_cart', { ...ids, product_id: product.id, quantity });
    } else if (step === 'remove_from_cart') {
      const line = session.cart.pop();
      if (line)
        this.emit('clickstream', 'remove_from_cart', {
          ...ids,
          product_id: line.product.id,
          quantity: line.quantity,
        });
    } else if (session.cart.length > 0) {
      const value = session.cart.reduce((sum, l) => sum + l.quantity * l.product.price, 0);
      const items = session.cart.reduce((sum, l) => sum + l.quantity, 0);
      this.emit('clickstream', 'checkout_started', {
        ...ids,
        cart_value: money(value),
        items_count: items,
      });
    }
  }

  private placeOrder(session: Session): void {
    // A customer who stopped shopping since the visit began still completes it.
    const customer = session.customer;
    if (!customer || customer.deleted) return;
    // Only what is still for sale and in stock, at today's price.
    const lines = session.cart.filter((l) => l.product.active && l.product.stock >= l.quantity);
    if (lines.length === 0) return;
    const orderId = this.rng.uuid();
    const items = lines.map((l, i) => ({
      line_no: i + 1,
      product_id: l.product.id,
      quantity: l.quantity,
      unit_price: money(l.product.price),
    }));
    const total = lines.reduce((sum, l) => sum + l.quantity * l.product.price, 0);
    this.orders.set(orderId, { id: orderId, customerId: customer.id, status: 'placed', total });
    this.emit('order-events', 'order_placed', {
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
      this.emit('product-events', 'stock_changed', {
        product_id: product.id,
        old_stock: old,
        new_stock: product.stock,
        reason: 'sale',
      });
    }
    if (this.rng.chance(this.config.cancelRate))
      this.later(this.rng.exponential(1800), { kind: 'advance_order', orderId, to: 'cancelled' });
    else this.later(this.rng.exponential(600), { kind: 'advance_order', orderId, to: 'paid' });
  }

  private advanceOrder(orderId: string, to: OrderStatus): void {
    const order = this.orders.get(orderId);
    if (!order || !ORDER_TRANSITIONS[order.status].includes(to)) return;
    order.status = to;
    // An order has one transition scheduled at a time: once none is left, forget it, so memory
    // holds the orders in flight rather than every order ever placed.
    if (to === 'cancelled' || to === 'refunded') this.orders.delete(orderId);
    const ref = { order_id: orderId, customer_id: order.customerId };
    switch (to) {
      case 'paid':
        this.emit('order-events', 'order_paid', {
          ...ref,
          amount: money(order.total),
          payment_method: this.rng.pick(['card', 'paypal', 'invoice'] as const),
        });
        this.later(this.rng.exponential(24 * HOUR), {
          kind: 'advance_order',
          orderId,
          to: 'shipped',
        });
        return;
      case 'shipped':
        this.emit('order-events', 'order_shipped', {
          ...ref,
          carrier: this.rng.pick(['DHL', 'UPS', 'PostNL']),
          tracking_number: this.rng.uuid().slice(0, 12).toUpperCase(),
        });
        this.later(this.rng.exponential(48 * HOUR), {
          kind: 'advance_order',
          orderId,
          to: 'delivered',
        });
        return;
      case 'delivered':
        this.emit('order-events', 'order_delivered', ref);
        if (this.rng.chance(this.config.refundRate))
          this.later(this.rng.exponential(72 * HOUR), {
            kind: 'advance_order',
            orderId,
            to: 'refunded',
          });
        else this.orders.delete(orderId);
        return;
      case 'cancelled':
        this.emit('order-events', 'order_cancelled', {
          ...ref,
          reason: this.rng.pick(['customer_request', 'payment_failed', 'out_of_stock'] as const),
        });
        return;
      case 'refunded':
        this.emit('order-events', 'order_refunded', {
          ...ref,
          amount: money(order.total),
          reason: this.rng.pick(['damaged', 'not_as_described', 'changed_mind'] as const),
        });
        return;
      case 'placed':
        return;
    }
  }

  private changePrice(): void {
    this.later(this.rng.exponential(HOUR / this.config.priceChangesPerHour), {
      kind: 'price_change',
    });
    if (this.activeProducts.length === 0) return;
    const product = this.rng.pick(this.activeProducts);
    const old = product.price;
    product.price = Math.max(99, Math.round(old * (0.9 + this.rng.next() * 0.2)));
    if (product.price !== old)
      this.emit('product-events', 'price_changed', {
        product_id: product.id,
        old_price: money(old),
        new_price: money(product.price),
      });
  }

  private restock(): void {
    this.later(this.rng.exponential(HOUR / this.config.restocksPerHour), { kind: 'restock' });
    if (this.activeProducts.length === 0) return;
    const product = this.rng.pick(this.activeProducts);
    const old = product.stock;
    product.stock += this.rng.int(50, 200);
    this.emit('product-events', 'stock_changed', {
      product_id: product.id,
      old_stock: old,
      new_stock: product.stock,
      reason: 'restock',
    });
  }

  private discontinue(): void {
    this.later(this.rng.exponential((24 * HOUR) / this.config.discontinuedPerDay), {
      kind: 'discontinue',
    });
    if (this.activeProducts.length <= 1) return;
    const index = this.rng.int(0, this.activeProducts.length - 1);
    const [product] = this.activeProducts.splice(index, 1);
    product!.active = false;
    this.emit('product-events', 'product_discontinued', { product_id: product!.id });
  }

  /** A new product: with discontinuations at the same rate, the catalog keeps its size. */
  private launch(): void {
    this.later(this.rng.exponential((24 * HOUR) / this.config.launchesPerDay), { kind: 'launch' });
    this.createProduct();
  }
}
