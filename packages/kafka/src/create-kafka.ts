import kafkajs from 'kafkajs';
import type { Kafka as KafkaClient, KafkaConfig, logLevel as LogLevel } from 'kafkajs';
import type { DataparkConfig } from '@datapark/config';
import './kafkajs-request-queue-fix.js';
import { kafkaLogCreator } from './kafka-log.js';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { Kafka, logLevel } = kafkajs;

export interface KafkaConnection {
  /** Broker addresses; default: the platform's, from @datapark/config. */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** kafkajs log level; default WARN (kafkajs is chatty at INFO). */
  readonly logLevel?: LogLevel;
}

/** A kafkajs client for the given brokers, or for the platform's (`fromConfig`). */
export function createKafka(
  connection: KafkaConnection,
  extra: Partial<KafkaConfig> = {},
): KafkaClient {
  return new Kafka({
    clientId: connection.clientId ?? 'datapark',
    brokers: [...connection.brokers],
    logLevel: connection.logLevel ?? logLevel.WARN,
    logCreator: kafkaLogCreator(),
    // Safe to repeat (metadata, fetch, idempotent produce): back off from 300 ms, up to 8 tries.
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    connectionTimeout: 5_000,
    ...extra,
  });
}

export function connectionFromConfig(config: DataparkConfig, clientId?: string): KafkaConnection {
  return { brokers: config.kafka.bootstrapServers, ...(clientId ? { clientId } : {}) };
}
