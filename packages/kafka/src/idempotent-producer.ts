import { Producer } from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import type { IHeaders, PartitionMetadata, RecordMetadata } from 'kafkajs';
import type { KafkaConnection } from './create-kafka.js';
import { KafkaError } from './errors.js';
import { partitionOfKey } from './murmur2.js';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;

/** A record as it goes on the wire; `partition` unset: by the key's murmur2 hash, as Java does. */
export interface OutgoingRecord {
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: IHeaders;
  readonly partition?: number;
}

/** The most one request carries for one partition: under the brokers' message.max.bytes (1 MiB). */
const MAX_REQUEST_BYTES = 768 * 1024;
/** Tries of the first metadata request: an unreachable cluster fails `connect` in seconds. */
const CONNECT_RETRIES = 2;

type WireProducer = Producer<Buffer | undefined, Buffer | undefined, Buffer, Buffer | undefined>;

interface WireRecord {
  readonly key: Buffer | undefined;
  readonly value: Buffer | undefined;
  readonly headers: Map<Buffer, Buffer | undefined>;
  readonly bytes: number;
}

/** One caller's records for one partition, sent in order through the partition's lane. */
interface Entry {
  readonly records: readonly WireRecord[];
  /** The next record to put in a request. */
  next: number;
  /** Records not yet acknowledged. */
  pending: number;
  baseOffset?: bigint;
  settled: boolean;
  readonly resolve: (baseOffset: bigint) => void;
  readonly reject: (error: unknown) => void;
}

interface Lane {
  busy: boolean;
  readonly queue: Entry[];
}

/**
 * The producer behind EventProducer, UncheckedProducer and the dead-letter queues:
 * @platformatic/kafka's idempotent producer (acks=all, retrying retriable errors for as long as
 * it takes, so a retried request cannot land twice), fed through one lane per partition.
 *
 * A lane has one request in flight; records that callers add meanwhile go into its next request
 * (up to {@link MAX_REQUEST_BYTES}), as the Java client's accumulator does. So a partition's
 * records reach the broker in the order they were sent, a retry can never overtake the request
 * behind it, and one request never spans two partitions: kafkajs 2.2.4 lost acknowledged records
 * when a multi-partition request's leaders moved, and @platformatic/kafka retries a
 * multi-partition request towards the leader of its first partition only.
 *
 * An idempotent @platformatic/kafka producer has one request in flight per broker connection, so
 * with every leader on one broker a single producer sends one partition at a time: partition p
 * goes through producer p % `producers`, each with its own connections, producer id and sequences.
 */
export class IdempotentProducer {
  private readonly lanes = new Map<string, Lane>();
  private readonly partitionCounts = new Map<string, Promise<number>>();
  private readonly partitioner = Partitioners.DefaultPartitioner();

  private constructor(
    /** Partition p of every topic goes through producer p % length. */
    private readonly producers: readonly WireProducer[],
    private readonly brokers: readonly string[],
  ) {}

  static async connect(
    connection: KafkaConnection,
    options: { clientId: string; compression: 'gzip' | 'none'; producers?: number },
  ): Promise<IdempotentProducer> {
    const producers = Array.from({ length: options.producers ?? 1 }, (_, i) =>
      IdempotentProducer.wire(connection, options, i),
    );
    const self = new IdempotentProducer(producers, connection.brokers);
    try {
      await Promise.all(
        producers.map(async (producer) => {
          await producer.metadata({ topics: [], retries: CONNECT_RETRIES });
          await producer.initIdempotentProducer({});
        }),
      );
    } catch (error) {
      await Promise.all(producers.map((p) => p.close(true).catch(() => undefined)));
      throw self.failure('cannot connect', error, 'KAFKA_UNREACHABLE');
    }
    return self;
  }

  private static wire(
    connection: KafkaConnection,
    options: { clientId: string; compression: 'gzip' | 'none' },
    index: number,
  ): WireProducer {
    return new Producer({
      clientId: `${connection.clientId ?? options.clientId}${index > 0 ? `-${index}` : ''}`,
      bootstrapBrokers: [...connection.brokers],
      idempotent: true,
      acks: -1,
      compression: options.compression,
      autocreateTopics: false,
      // An idempotent producer must not give up: a send retried by the caller after a give-up
      // would carry a new sequence number and could land twice. A broker down is waited out.
      retries: Number.MAX_SAFE_INTEGER,
      retryDelay: (_client, _operation, attempt) => Math.min(300 * 2 ** (attempt - 1), 5_000),
      connectTimeout: 5_000,
    });
  }

  /**
   * Sends the records, each partition's in order, and resolves once all replicas in sync have
   * them: one result per partition written, with the offset of its first record.
   */
  async send(topic: string, records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    const count = await this.partitionCount(topic);
    let partitionMetadata: PartitionMetadata[] | undefined;
    const byPartition = new Map<number, WireRecord[]>();
    for (const record of records) {
      const wire = toWire(record);
      const partition =
        record.partition ??
        (wire.key !== undefined
          ? partitionOfKey(wire.key, count)
          : // No key: kafkajs' round robin, as before.
            this.partitioner({
              topic,
              partitionMetadata: (partitionMetadata ??= placeholders(count)),
              message: { key: null, value: record.value },
            }));
      const list = byPartition.get(partition);
      if (list) list.push(wire);
      else byPartition.set(partition, [wire]);
    }
    return Promise.all(
      [...byPartition].map(async ([partition, list]) => ({
        topicName: topic,
        partition,
        errorCode: 0,
        baseOffset: String(await this.enqueue(topic, partition, list)),
      })),
    );
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.close()));
  }

  /**
   * The topic's partition count, fetched once. Every caller awaits the same promise, so sends
   * reach their lanes in the order they were called, the first ones too.
   */
  private partitionCount(topic: string): Promise<number> {
    let count = this.partitionCounts.get(topic);
    if (count === undefined) {
      count = this.fetchPartitionCount(topic);
      this.partitionCounts.set(topic, count);
      // A failure is not cached: the next send asks again.
      count.catch(() => this.partitionCounts.delete(topic));
    }
    return count;
  }

  private async fetchPartitionCount(topic: string): Promise<number> {
    let count: number;
    try {
      const metadata = await this.producers[0]!.metadata({ topics: [topic], retries: 3 });
      count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    } catch (error) {
      if (!/unknown topic/i.test((error as Error).message))
        throw this.failure(`cannot read the metadata of ${topic}`, error);
      count = 0;
    }
    if (count === 0)
      throw new KafkaError(`topic ${topic} does not exist`, {
        code: 'TOPIC_MISSING',
        hint: 'is the platform up? npx nx run platform:up --only kafka',
      });
    return count;
  }

  private enqueue(topic: string, partition: number, records: WireRecord[]): Promise<bigint> {
    return new Promise((resolve, reject) => {
      const id = `${topic}\0${partition}`;
      let lane = this.lanes.get(id);
      if (!lane) this.lanes.set(id, (lane = { busy: false, queue: [] }));
      lane.queue.push({
        records,
        next: 0,
        pending: records.length,
        settled: false,
        resolve,
        reject,
      });
      this.pump(topic, partition, lane);
    });
  }

  /** Sends the head of the lane's queue, if the lane is free, then what queued behind it. */
  private pump(topic: string, partition: number, lane: Lane): void {
    if (lane.busy || lane.queue.length === 0) return;
    const batch: WireRecord[] = [];
    const parts: { entry: Entry; count: number; at: number }[] = [];
    let bytes = 0;
    fill: for (const entry of lane.queue) {
      const at = batch.length;
      let count = 0;
      while (entry.next < entry.records.length) {
        const record = entry.records[entry.next]!;
        if (batch.length > 0 && bytes + record.bytes > MAX_REQUEST_BYTES) {
          if (count > 0) parts.push({ entry, count, at });
          break fill;
        }
        batch.push(record);
        bytes += record.bytes;
        entry.next++;
        count++;
      }
      if (count > 0) parts.push({ entry, count, at });
    }
    while (lane.queue[0] && lane.queue[0].next === lane.queue[0].records.length) lane.queue.shift();
    lane.busy = true;
    this.producers[partition % this.producers.length]!.send({
      messages: batch.map((r) => ({
        topic,
        partition,
        key: r.key,
        value: r.value,
        headers: r.headers,
      })),
    })
      .then(
        (result) => {
          const base = result.offsets?.find(
            (o) => o.topic === topic && o.partition === partition,
          )?.offset;
          for (const { entry, count, at } of parts) {
            entry.baseOffset ??= base === undefined ? -1n : base + BigInt(at);
            entry.pending -= count;
            if (entry.pending === 0 && !entry.settled) {
              entry.settled = true;
              entry.resolve(entry.baseOffset);
            }
          }
        },
        (error: unknown) => {
          const failure = this.failure(`sending to ${topic}[${partition}] failed`, error);
          for (const { entry } of parts) {
            if (entry.settled) continue;
            entry.settled = true;
            entry.reject(failure);
            // The rest of a failed send is not sent: the caller learns it failed as a whole.
            const left = lane.queue.indexOf(entry);
            if (left >= 0) lane.queue.splice(left, 1);
          }
        },
      )
      .finally(() => {
        lane.busy = false;
        this.pump(topic, partition, lane);
      });
  }

  private failure(what: string, error: unknown, code = 'KAFKA_SEND_FAILED'): KafkaError {
    return new KafkaError(`Kafka producer (${this.brokers.join(',')}): ${what}: ${detail(error)}`, {
      code,
      hint: 'are the brokers up? npx nx run platform:status',
      cause: error,
    });
  }
}

/**
 * What went wrong, at the bottom: @platformatic/kafka wraps a refused connection in "metadata
 * failed 3 times", with the tries in `errors` and the socket's error as their `cause`.
 */
function detail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const tries = (error as { errors?: unknown[] }).errors;
  const last = Array.isArray(tries) && tries.length > 0 ? tries[tries.length - 1] : undefined;
  const inner = last ?? error.cause;
  return inner === undefined || inner === error
    ? error.message
    : `${error.message} (${detail(inner)})`;
}

const asBuffer = (value: string | Buffer | null | undefined): Buffer | undefined =>
  value === null || value === undefined
    ? undefined
    : typeof value === 'string'
      ? Buffer.from(value)
      : value;

/** What the round-robin partitioner reads of a topic's partitions: their ids. */
function placeholders(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [],
    isr: [],
    partitionErrorCode: 0,
  }));
}

/** Header names as bytes, made once: every record carries the same few. */
const headerNames = new Map<string, Buffer>();
const headerName = (name: string): Buffer => {
  let bytes = headerNames.get(name);
  if (bytes === undefined && headerNames.size < 1_000)
    headerNames.set(name, (bytes = Buffer.from(name)));
  return bytes ?? Buffer.from(name);
};

/**
 * Headers as the wire has them: a repeated name (kafkajs reads one as an array) stays repeated,
 * which a Map keyed by distinct Buffers allows.
 */
function toWire(record: OutgoingRecord): WireRecord {
  const key = asBuffer(record.key);
  const value = asBuffer(record.value);
  const headers = new Map<Buffer, Buffer | undefined>();
  let bytes = 70 + (key?.length ?? 0) + (value?.length ?? 0);
  for (const [name, raw] of Object.entries(record.headers ?? {})) {
    if (!Array.isArray(raw)) {
      const headerValue = asBuffer(raw);
      headers.set(headerName(name), headerValue);
      bytes += name.length + (headerValue?.length ?? 0) + 10;
      continue;
    }
    // Each repetition needs a key of its own (a distinct Buffer).
    for (const one of raw) {
      const headerValue = asBuffer(one);
      headers.set(Buffer.from(name), headerValue);
      bytes += name.length + (headerValue?.length ?? 0) + 10;
    }
  }
  return { key, value, headers, bytes };
}
