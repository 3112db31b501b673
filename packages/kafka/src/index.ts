export { connectionFromConfig, createKafka, type KafkaConnection } from './create-kafka.js';
export { reconcileTopics, type ReconcileReport } from './reconcile-topics.js';
