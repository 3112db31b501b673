import type { z } from 'zod';
import { DataparkError } from '@datapark/config';

/** Base of the errors @datapark/kafka raises. */
export class KafkaError extends DataparkError {
  override readonly name: string = 'KafkaError';
}

/** An event that does not match its topic's schema: refused before it reaches the broker. */
export class EventValidationError extends KafkaError {
  override readonly name = 'EventValidationError';

  constructor(
    readonly topic: string,
    /** Index of the offending event in the batch sent. */
    readonly index: number,
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    super(
      `event ${index} for topic ${topic} does not match its schema: ` +
        issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
      {
        code: 'EVENT_INVALID',
        hint: `build events with the typed helpers of @datapark/events; the schema is TOPIC_CATALOG['${topic}']`,
      },
    );
  }
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
