import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { GeneratorRun } from './generator-run.js';

/**
 * Prometheus metrics of a run, read from its status at scrape time (nothing is counted twice
 * on the hot path): per-topic events generated and acknowledged per sink, failures, the target
 * and reached rates, the lag behind the target, what the shop holds in memory, and the process's
 * own metrics (RSS, heap, GC).
 *
 * @example
 * ```ts
 * const registry = createMetrics(run);
 * await registry.metrics(); // generator_events_generated_total{topic="order-events"} 1234 …
 * ```
 */
export function createMetrics(run: GeneratorRun): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Counter({
    name: 'generator_events_generated_total',
    help: 'Events generated, per topic',
    labelNames: ['topic'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [topic, n] of Object.entries(run.status().generated)) this.inc({ topic }, n);
    },
  });
  new Counter({
    name: 'generator_events_acknowledged_total',
    help: 'Events acknowledged by a sink (Kafka acks=all, PostgreSQL commit, file write), per topic',
    labelNames: ['sink', 'topic'],
    registers: [registry],
    collect() {
      this.reset();
      for (const sink of run.status().sinks)
        for (const [topic, n] of Object.entries(sink.acknowledged))
          this.inc({ sink: sink.name, topic }, n);
    },
  });
  new Counter({
    name: 'generator_events_failed_total',
    help: 'Events a sink could not deliver',
    labelNames: ['sink'],
    registers: [registry],
    collect() {
      this.reset();
      for (const sink of run.status().sinks) this.inc({ sink: sink.name }, sink.failed);
    },
  });
  new Gauge({
    name: 'generator_sink_connected',
    help: '1 when the sink is connected to its service',
    labelNames: ['sink'],
    registers: [registry],
    collect() {
      for (const sink of run.status().sinks) this.set({ sink: sink.name }, sink.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'generator_target_events_per_second',
    help: 'Realtime target rate (0 in backfill: as fast as possible)',
    registers: [registry],
    collect() {
      this.set(run.status().targetEventsPerSecond ?? 0);
    },
  });
  new Gauge({
    name: 'generator_reached_events_per_second',
    help: 'Rate reached over the last few seconds',
    registers: [registry],
    collect() {
      this.set(run.status().reachedEventsPerSecond);
    },
  });
  new Gauge({
    name: 'generator_lag_events',
    help: 'Events the realtime schedule is ahead of what was emitted (lag behind the target)',
    registers: [registry],
    collect() {
      this.set(run.status().lagEvents);
    },
  });
  new Counter({
    name: 'generator_shortfall_events_total',
    help: 'Events the realtime schedule gave up on because the sinks could not keep up',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(run.status().shortfallEvents);
    },
  });
  new Gauge({
    name: 'generator_paused',
    help: '1 while paused',
    registers: [registry],
    collect() {
      this.set(run.status().state === 'paused' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'generator_shop_state',
    help: 'What the simulated shop holds in memory: customers who still shop, products for sale, orders in flight, scheduled actions',
    labelNames: ['part'],
    registers: [registry],
    collect() {
      const shop = run.status().shop;
      this.set({ part: 'active_customers' }, shop.activeCustomers);
      this.set({ part: 'active_products' }, shop.activeProducts);
      this.set({ part: 'orders_in_flight' }, shop.ordersInFlight);
      this.set({ part: 'scheduled_actions' }, shop.scheduledActions);
    },
  });
  return registry;
}
