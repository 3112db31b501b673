import type { Catalog } from './catalog.js';
import type { Customers } from './customers.js';
import type { Action, Session } from './model.js';
import { HOUR, money } from './model.js';
import type { ShopContext } from './shop-context.js';
import { SEARCHES } from './vocabulary.js';

const DEVICES = ['desktop', 'mobile', 'tablet'] as const;

/** A session's device, from the last hex digit of its id: uniform enough, and no dice thrown. */
function deviceOf(sessionId: string): (typeof DEVICES)[number] {
  return DEVICES[Number.parseInt(sessionId.slice(-1), 16) % DEVICES.length]!;
}

/** Browsing sessions: a visit's clicks, a cart, and for converting visits an order. */
export class Sessions {
  constructor(
    private readonly shop: ShopContext,
    private readonly customers: Customers,
    private readonly catalog: Catalog,
  ) {}

  start(): void {
    this.shop.later(this.shop.rng.exponential(HOUR / this.shop.config.sessionsPerHour), {
      kind: 'session',
    });
    const anonymous =
      this.customers.active.length === 0 || this.shop.rng.chance(this.shop.config.anonymousShare);
    const customer = anonymous ? null : this.shop.rng.pick(this.customers.active);
    const customerId = customer?.id ?? null;
    const session: Session = {
      id: this.shop.rng.uuid(),
      customer,
      converts: !anonymous && this.shop.rng.chance(this.shop.config.conversionRate),
      cart: [],
    };
    const pageView = {
      session_id: session.id,
      customer_id: customerId,
      page: '/',
      referrer: this.shop.rng.chance(0.5) ? 'https://search.example' : null,
    };
    // Version 2 adds the device, taken from the session id rather than the dice: a run at
    // version 2 is the same run as at version 1, plus the field.
    this.shop.emit(
      'clickstream',
      'page_view',
      this.shop.config.schemaVersions['page_view'] === 2
        ? { ...pageView, device: deviceOf(session.id) }
        : pageView,
    );
    // The visit's steps, seconds to minutes apart; abandoners stop at some step on the way.
    let t = 0;
    const step = (kind: Extract<Action, { kind: 'click' }>['step']) => {
      t += this.shop.rng.exponential(30);
      this.shop.later(t, { kind: 'click', session, step: kind });
    };
    if (this.shop.rng.chance(0.4)) step('search');
    step('product_view');
    if (this.shop.rng.chance(0.5)) step('product_view');
    if (session.converts || this.shop.rng.chance(0.3)) {
      // Buyers often take more than one thing: orders of one to three lines.
      for (let n = session.converts ? this.shop.rng.int(1, 3) : 1; n > 0; n--) step('add_to_cart');
      const checksOut = session.converts || this.shop.rng.chance(0.3);
      if (checksOut) {
        step('checkout_started');
        if (session.converts)
          this.shop.later(t + this.shop.rng.exponential(60), { kind: 'place_order', session });
      } else {
        const changesMind = this.shop.rng.chance(0.3);
        if (changesMind) step('remove_from_cart');
      }
    }
  }
  click(session: Session, step: Extract<Action, { kind: 'click' }>['step']): void {
    const ids = { session_id: session.id, customer_id: session.customer?.id ?? null };
    if (step === 'search') {
      this.shop.emit('clickstream', 'search', {
        ...ids,
        query: this.shop.rng.pick(SEARCHES),
        results_count: this.shop.rng.int(0, 40),
      });
    } else if (step === 'product_view') {
      if (this.catalog.active.length === 0) return;
      this.shop.emit('clickstream', 'product_view', {
        ...ids,
        product_id: this.shop.rng.pick(this.catalog.active).id,
      });
    } else if (step === 'add_to_cart') {
      if (this.catalog.active.length === 0) return;
      const product = this.shop.rng.pick(this.catalog.active);
      const quantity = this.shop.rng.int(1, 3);
      // The same product again adds to its line: an order has one line per product, so the
      // stock check at checkout holds for the order as a whole.
      const line = session.cart.find((l) => l.product === product);
      if (line) line.quantity += quantity;
      else session.cart.push({ product, quantity });
      this.shop.emit('clickstream', 'add_to_cart', { ...ids, product_id: product.id, quantity });
    } else if (step === 'remove_from_cart') {
      const line = session.cart.pop();
      if (line)
        this.shop.emit('clickstream', 'remove_from_cart', {
          ...ids,
          product_id: line.product.id,
          quantity: line.quantity,
        });
    } else if (session.cart.length > 0) {
      const value = session.cart.reduce((sum, l) => sum + l.quantity * l.product.price, 0);
      const items = session.cart.reduce((sum, l) => sum + l.quantity, 0);
      this.shop.emit('clickstream', 'checkout_started', {
        ...ids,
        cart_value: money(value),
        items_count: items,
      });
    }
  }
}
