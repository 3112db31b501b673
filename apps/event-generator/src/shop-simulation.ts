import type { EventOf, TopicName } from '@datapark/events';
import { EventQueue } from './event-queue.js';
import { SeededRandom } from './seeded-random.js';
import { Catalog } from './shop/catalog.js';
import { Customers } from './shop/customers.js';
import type { Action, GeneratedEvent } from './shop/model.js';
import { HOUR } from './shop/model.js';
import { Orders } from './shop/orders.js';
import { Sessions } from './shop/sessions.js';
import type { ShopContext } from './shop/shop-context.js';
import type { SimulationConfig } from './simulation-config.js';
import { GeneratorError } from './generator-error.js';

export { ORDER_TRANSITIONS, type GeneratedEvent } from './shop/model.js';

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
  private readonly customers: Customers;
  private readonly catalog: Catalog;
  private readonly sessions: Sessions;
  private readonly orders: Orders;
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
    const shop: ShopContext = {
      rng: this.rng,
      config,
      emit: (topic, eventType, payload) => this.emit(topic, eventType, payload),
      later: (after, action) => this.later(after, action),
    };
    this.customers = new Customers(shop);
    this.catalog = new Catalog(shop);
    this.sessions = new Sessions(shop, this.customers, this.catalog);
    this.orders = new Orders(shop);
    for (let i = 0; i < config.products; i++) this.catalog.create();
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
      activeCustomers: this.customers.active.length,
      activeProducts: this.catalog.active.length,
      ordersInFlight: this.orders.inFlight.size,
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
      if (!due)
        throw new GeneratorError('the simulation ran out of scheduled work', {
          code: 'SIMULATION_STALLED',
          hint: 'a bug: every action schedules its successor; report the seed and config',
        });
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
      schema_version: this.config.schemaVersions[eventType] ?? 1,
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

  private run(action: Action): void {
    switch (action.kind) {
      case 'register':
        return this.customers.register();
      case 'update':
        return this.customers.update(action.customer);
      case 'delete_customer':
        return this.customers.delete();
      case 'session':
        return this.sessions.start();
      case 'click':
        return this.sessions.click(action.session, action.step);
      case 'place_order':
        return this.orders.place(action.session);
      case 'advance_order':
        return this.orders.advance(action.orderId, action.to);
      case 'price_change':
        return this.catalog.changePrice();
      case 'restock':
        return this.catalog.restock();
      case 'discontinue':
        return this.catalog.discontinue();
      case 'launch':
        return this.catalog.launch();
    }
  }
}
