export { buildEvent, sampleEvents } from './builders.js';
export {
  desiredTopics,
  keyOf,
  TOPIC_CATALOG,
  TOPIC_NAMES,
  type AnyEvent,
  type EventOf,
  type EventTypeOf,
  type TopicName,
  type TopicSpec,
} from './catalog.js';
export { EnvelopeFields, eventSchema, Id, Money, SCHEMA_VERSION, Text } from './envelope.js';
export { exportCatalog } from './json-schema.js';
export * from './topics/clickstream.js';
export * from './topics/customer-events.js';
export * from './topics/order-events.js';
export * from './topics/product-events.js';
