import type { z } from 'zod';
import { closestNames, DataparkError } from '@datapark/config';

/** Base of the errors @datapark/events raises. */
export class EventsError extends DataparkError {
  override readonly name: string = 'EventsError';
}

/**
 * A topic the catalog does not have: from untyped code (JavaScript, a notebook, a name read from
 * a file), where `TopicName` could not stop it. Names the topic, the closest known one and every
 * known one.
 */
export class UnknownTopicError extends EventsError {
  override readonly name = 'UnknownTopicError';

  constructor(
    readonly topic: string,
    readonly knownTopics: readonly string[],
  ) {
    const closest = closestName(topic, knownTopics);
    super(
      `unknown topic ${JSON.stringify(topic)}: ` +
        (closest ? `did you mean ${JSON.stringify(closest)}? ` : '') +
        `the catalog's topics are ${knownTopics.join(', ')}`,
      {
        code: 'UNKNOWN_TOPIC',
        hint: `use one of ${knownTopics.join(', ')} (TOPIC_NAMES in @datapark/events)`,
      },
    );
  }
}

/**
 * An event that does not match its topic's schema: refused before it reaches the broker (by
 * `buildEvent` and `EventProducer.send` alike). Names the topic and every field that is wrong.
 */
export class EventValidationError extends EventsError {
  override readonly name = 'EventValidationError';

  constructor(
    readonly topic: string,
    /** Index of the offending event in the batch sent; undefined for a single event. */
    readonly index: number | undefined,
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    super(
      `${index === undefined ? 'the event' : `event ${index}`} for topic ${topic} does not match its schema: ` +
        issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
      {
        code: 'EVENT_INVALID',
        hint: `build events with the typed helpers of @datapark/events; the schema is TOPIC_CATALOG['${topic}']`,
      },
    );
  }
}

/** The known name closest to the given one (`order` → `order-events`), if any is close. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  return closestNames(name, known, 1)[0];
}
