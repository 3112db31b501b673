import type { z } from 'zod';
import type { CompatibilityRule } from './contracts/rules.js';
import { UnknownTopicError } from './errors.js';
import { ClickstreamEvent } from './topics/clickstream.js';
import { CustomerEvent } from './topics/customer-events.js';
import { OrderEvent } from './topics/order-events.js';
import { ProductEvent } from './topics/product-events.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MIB = 1024 * 1024;

export interface TopicSpec<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** The payload field whose value is the record key: one entity, one partition, in order. */
  readonly key: string;
  readonly schema: S;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic configs as Kafka names them. */
  readonly configs: Readonly<Record<string, string>>;
  /** Where records that fail validation go, with the reason in headers. */
  readonly dlq: string;
  /**
   * How each event type's versions may evolve (docs/contracts.md). BACKWARD_TRANSITIVE unless a
   * topic says otherwise: ingest and the Spark job read every version still in the topic (days
   * of it, and DLQ replays for 30 days) with the newest schema, so the newest must accept all.
   */
  readonly compatibility: CompatibilityRule;
}

function topic<S extends z.ZodType>(
  spec: Omit<TopicSpec<S>, 'dlq' | 'replicationFactor' | 'configs' | 'compatibility'> & {
    retentionDays: number;
    /**
     * The most a partition keeps, per replica. Days alone do not bound the disk: the generator at
     * 1k events/s writes tens of GB a day, and the local platform's three brokers share one disk.
     */
    retentionMiB: number;
    compatibility?: CompatibilityRule;
  },
): TopicSpec<S> {
  const { retentionDays, retentionMiB, compatibility, ...rest } = spec;
  return Object.freeze({
    ...rest,
    compatibility: compatibility ?? 'BACKWARD_TRANSITIVE',
    replicationFactor: 3,
    // With 3 replicas and min.insync.replicas=2, acks=all survives one broker down.
    configs: Object.freeze({
      'min.insync.replicas': '2',
      'cleanup.policy': 'delete',
      'retention.ms': String(retentionDays * DAY_MS),
      'retention.bytes': String(retentionMiB * MIB),
    }),
    dlq: `${spec.name}.dlq`,
  });
}

/**
 * The four event topics of shared/DESIGN.md: the single source of truth for names, keys,
 * schemas, partitions and configs. The platform reconciles the cluster with it; the charts'
 * topic job and the PySpark jobs read its JSON export.
 */
export const TOPIC_CATALOG = Object.freeze({
  'customer-events': topic({
    name: 'customer-events',
    key: 'customer_id',
    schema: CustomerEvent,
    partitions: 3,
    retentionDays: 7,
    retentionMiB: 128,
  }),
  'product-events': topic({
    name: 'product-events',
    key: 'product_id',
    schema: ProductEvent,
    partitions: 3,
    retentionDays: 7,
    retentionMiB: 128,
  }),
  'order-events': topic({
    name: 'order-events',
    key: 'order_id',
    schema: OrderEvent,
    partitions: 6,
    retentionDays: 7,
    retentionMiB: 128,
  }),
  clickstream: topic({
    name: 'clickstream',
    key: 'session_id',
    schema: ClickstreamEvent,
    partitions: 6,
    retentionDays: 3,
    retentionMiB: 256,
  }),
});

export type TopicName = keyof typeof TOPIC_CATALOG;
export const TOPIC_NAMES = Object.freeze(Object.keys(TOPIC_CATALOG) as TopicName[]);

/**
 * The catalog's entry for a topic, or an {@link UnknownTopicError} naming the topic and the known
 * ones: what untyped code (a notebook, JavaScript, a name from a file) gets instead of
 * `Cannot read properties of undefined`.
 *
 * @example
 * ```ts
 * topicSpec('order-events').partitions; // 6
 * topicSpec('orders'); // UnknownTopicError: unknown topic "orders": the catalog's topics are customer-events, …
 * ```
 */
export function topicSpec<T extends TopicName>(topic: T): (typeof TOPIC_CATALOG)[T] {
  if (typeof topic !== 'string' || !Object.hasOwn(TOPIC_CATALOG, topic))
    throw new UnknownTopicError(String(topic), TOPIC_NAMES);
  return TOPIC_CATALOG[topic];
}

/** The event type carried by a topic, e.g. `EventOf<'order-events'>`. */
export type EventOf<T extends TopicName> = z.infer<(typeof TOPIC_CATALOG)[T]['schema']>;
export type AnyEvent = EventOf<TopicName>;
export type EventTypeOf<T extends TopicName> = EventOf<T>['event_type'];
/** The published versions of an event type, e.g. `1 | 2` for `page_view`. */
export type VersionOf<T extends TopicName, E extends EventTypeOf<T>> = Extract<
  EventOf<T>,
  { event_type: E }
>['schema_version'];
/**
 * One version of one event type: `EventAt<'clickstream', 'page_view', 2>`. A function that
 * takes it refuses a version-1 page view at compile time.
 */
export type EventAt<
  T extends TopicName,
  E extends EventTypeOf<T>,
  V extends VersionOf<T, E>,
> = Extract<EventOf<T>, { event_type: E; schema_version: V }>;

type NextVersion = { 1: 2; 2: 3; 3: 4; 4: 5; 5: 6; 6: 7; 7: 8; 8: 9; 9: 10; 10: 11 };
/** The newest version of an event type, e.g. `2` for `page_view` (versions up to 10). */
export type LatestVersionOf<T extends TopicName, E extends EventTypeOf<T>> = {
  [V in VersionOf<T, E>]: V extends keyof NextVersion
    ? NextVersion[V] extends VersionOf<T, E>
      ? never
      : V
    : V;
}[VersionOf<T, E>];

/**
 * Every topic the cluster should have, with its settings. DLQs keep records for 30 days and have
 * no size cap: a dead letter is kept until someone has looked at it.
 */
export function desiredTopics(): readonly {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}[] {
  return TOPIC_NAMES.flatMap((name) => {
    const spec = TOPIC_CATALOG[name];
    return [
      {
        name: spec.name,
        partitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configs: { ...spec.configs },
      },
      {
        name: spec.dlq,
        partitions: 1,
        replicationFactor: spec.replicationFactor,
        configs: { ...spec.configs, 'retention.ms': String(30 * DAY_MS), 'retention.bytes': '-1' },
      },
    ];
  });
}

/** The record key of an event: the value of its topic's key field. */
export function keyOf<T extends TopicName>(topicName: T, event: EventOf<T>): string {
  const field = topicSpec(topicName).key;
  const key = (event.payload as Record<string, unknown> | undefined)?.[field];
  if (typeof key !== 'string') throw new TypeError(`event ${event.event_id} has no ${field}`);
  return key;
}
