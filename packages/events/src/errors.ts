import type { z } from 'zod';
import { DataparkError } from '@datapark/config';

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

/**
 * The known name that holds the given one (`order` → `order-events`), else the one within a
 * third of its length in edits (Levenshtein), if any.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const holding = known.filter((k) => lower.length >= 3 && k.toLowerCase().includes(lower));
  if (holding.length === 1) return holding[0];
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.name.length / 3))
    ? best.name
    : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}
