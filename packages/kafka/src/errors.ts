import { DataparkError } from '@datapark/config';

/** Base of the errors @datapark/kafka raises. */
export class KafkaError extends DataparkError {
  override readonly name: string = 'KafkaError';
}

/** The consumer crashed on something kafkajs does not restart from (a lost coordinator for good, an auth failure). */
export class KafkaConsumerCrashedError extends KafkaError {
  override readonly name = 'KafkaConsumerCrashedError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, {
      code: 'KAFKA_CONSUMER_CRASHED',
      hint: 'are the brokers up? npx nx run platform:status',
      cause: options.cause,
    });
  }
}
