export { buildEvent, sampleEvents } from './builders.js';
export {
  desiredTopics,
  keyOf,
  TOPIC_CATALOG,
  TOPIC_NAMES,
  topicSpec,
  type AnyEvent,
  type EventAt,
  type EventOf,
  type EventTypeOf,
  type LatestVersionOf,
  type TopicName,
  type TopicSpec,
  type VersionOf,
} from './catalog.js';
export {
  checkContracts,
  type ContractCheck,
  type ContractProblem,
  type ContractProblemKind,
} from './contracts/check-contracts.js';
export {
  incompatibilities,
  type ChangeKind,
  type Incompatibility,
} from './contracts/compatibility.js';
export { jsonSchemaOf, type JsonSchema } from './contracts/json-schema-of.js';
export {
  CONTRACTS_DIR,
  ContractPublishError,
  definedVersions,
  publishContracts,
  publishedFile,
  readPublished,
} from './contracts/published.js';
export { resolveVersion, type VersionLookup } from './contracts/resolve-version.js';
export {
  checkRule,
  COMPATIBILITY_RULES,
  describeViolation,
  type CompatibilityRule,
  type PublishedVersion,
  type RuleViolation,
} from './contracts/rules.js';
export {
  IncompatibleSchemaError,
  registerSchema,
  setSubjectCompatibility,
  subjectCompatibility,
  subjectVersions,
  type Registration,
} from './contracts/subject-registry.js';
export {
  contractOf,
  CONTRACTS,
  findContract,
  latestVersion,
  subjectName,
  type Contract,
  type ContractVersion,
} from './contracts/subjects.js';
export { EventsError, EventValidationError, UnknownTopicError } from './errors.js';
export { EnvelopeFields, eventSchema, Id, Money, Text } from './envelope.js';
export { exportCatalog } from './json-schema.js';
export * from './topics/clickstream.js';
export * from './topics/customer-events.js';
export * from './topics/order-events.js';
export * from './topics/product-events.js';
