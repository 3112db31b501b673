export { connectionFromConfig, createKafka, type KafkaConnection } from './create-kafka.js';
export { formatKafkaLog, kafkaLogCreator } from './kafka-log.js';
export { sendToDeadLetters } from './dead-letters.js';
export {
  decodeRecord,
  UNKNOWN_SCHEMA_VERSION,
  type DecodedRecord,
  type RecordPosition,
} from './decode-record.js';
export {
  BatchAbandoned,
  consumeBatches,
  type BatchConsumerOptions,
  type BatchControl,
  type KafkaRecord,
  type PartitionBatch,
} from './batch-consumer.js';
export { KafkaConsumerCrashedError, KafkaError } from './errors.js';
// Raised by send as by buildEvent: defined in @datapark/events, here too for callers of send.
export { EventValidationError, UnknownTopicError } from '@datapark/events';
export {
  runEventConsumer,
  type EventConsumerOptions,
  type HandlerRetryPolicy,
  type RunningConsumer,
} from './event-consumer.js';
export { EventProducer, type EventProducerOptions } from './event-producer.js';
export { HEADERS, headerText, JSON_CONTENT_TYPE } from './headers.js';
export {
  readRange,
  topicEndOffsets,
  type PartitionOffsets,
  type RangeRecord,
} from './read-range.js';
export { reconcileTopics, type ReconcileReport } from './reconcile-topics.js';
export { settleWithin } from './settle-within.js';
export { UncheckedProducer, type UncheckedRecord } from './unchecked-producer.js';
export { fetchWatermarks, WatermarkReader, type PartitionWatermarks } from './watermarks.js';
