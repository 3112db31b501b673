import type { ShopContext } from './shop-context.js';
import type { Product } from './model.js';
import { HOUR, money } from './model.js';
import { CATEGORIES, SEARCHES } from './vocabulary.js';

/** The catalog: products are launched, change price and stock, and are discontinued. */
export class Catalog {
  /** Products for sale; a discontinued one lives on only in the carts that hold it. */
  readonly active: Product[] = [];
  private created = 0;

  constructor(private readonly shop: ShopContext) {}

  create(): void {
    const i = this.created++;
    const product: Product = {
      id: this.shop.rng.uuid(),
      sku: '',
      name: `${this.shop.rng.pick(['Classic', 'Compact', 'Deluxe', 'Eco', 'Smart'])} ${this.shop.rng.pick(SEARCHES)} ${i}`,
      category: this.shop.rng.pick(CATEGORIES),
      price: this.shop.rng.int(199, 19_999),
      stock: this.shop.rng.int(20, 500),
      active: true,
    };
    // SKUs are unique in source.products across runs, so they come from the (seeded) id.
    product.sku = `SKU-${product.id.slice(0, 8)}${product.id.slice(9, 13)}`.toUpperCase();
    this.active.push(product);
    const { id, sku, name, category, price, stock } = product;
    this.shop.emit('product-events', 'product_created', {
      product_id: id,
      sku,
      name,
      category,
      price: money(price),
      stock,
    });
  }
  changePrice(): void {
    this.shop.later(this.shop.rng.exponential(HOUR / this.shop.config.priceChangesPerHour), {
      kind: 'price_change',
    });
    if (this.active.length === 0) return;
    const product = this.shop.rng.pick(this.active);
    const old = product.price;
    product.price = Math.max(99, Math.round(old * (0.9 + this.shop.rng.next() * 0.2)));
    if (product.price !== old)
      this.shop.emit('product-events', 'price_changed', {
        product_id: product.id,
        old_price: money(old),
        new_price: money(product.price),
      });
  }
  restock(): void {
    this.shop.later(this.shop.rng.exponential(HOUR / this.shop.config.restocksPerHour), {
      kind: 'restock',
    });
    if (this.active.length === 0) return;
    const product = this.shop.rng.pick(this.active);
    const old = product.stock;
    product.stock += this.shop.rng.int(50, 200);
    this.shop.emit('product-events', 'stock_changed', {
      product_id: product.id,
      old_stock: old,
      new_stock: product.stock,
      reason: 'restock',
    });
  }
  discontinue(): void {
    this.shop.later(this.shop.rng.exponential((24 * HOUR) / this.shop.config.discontinuedPerDay), {
      kind: 'discontinue',
    });
    if (this.active.length <= 1) return;
    const index = this.shop.rng.int(0, this.active.length - 1);
    const [product] = this.active.splice(index, 1);
    product!.active = false;
    this.shop.emit('product-events', 'product_discontinued', { product_id: product!.id });
  }
  /** A new product: with discontinuations at the same rate, the catalog keeps its size. */
  launch(): void {
    this.shop.later(this.shop.rng.exponential((24 * HOUR) / this.shop.config.launchesPerDay), {
      kind: 'launch',
    });
    this.create();
  }
}
