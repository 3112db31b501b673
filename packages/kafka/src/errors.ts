import type { z } from 'zod';

/** An event that does not match its topic's schema: refused before it reaches the broker. */
export class EventValidationError extends Error {
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
    );
  }
}

/** The consumer crashed on something kafkajs does not restart from (a lost coordinator for good, an auth failure). */
export class KafkaConsumerCrashedError extends Error {
  override readonly name = 'KafkaConsumerCrashedError';
}
