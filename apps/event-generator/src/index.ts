export { EventQueue } from './event-queue.js';
export { SeededRandom } from './seeded-random.js';
export { ORDER_TRANSITIONS, ShopSimulation, type GeneratedEvent } from './shop-simulation.js';
export { parseSimulationConfig, SimulationConfig } from './simulation-config.js';
export { dryRunSink, kafkaSink, type EventSink } from './sinks.js';
