import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { DataparkConfig } from '@datapark/config';
import type { TopicName } from '@datapark/events';
import { connectionFromConfig, EventProducer } from '@datapark/kafka';
import type { GeneratedEvent } from './shop-simulation.js';

/** Where generated events go. `write` may buffer; `close` flushes. */
export interface EventSink {
  write(event: GeneratedEvent): Promise<void>;
  close(): Promise<void>;
}

/** JSON lines, one `{topic, event}` per line, to stdout or a file: nothing leaves the machine. */
export function dryRunSink(path?: string): EventSink {
  const out: Writable = path ? createWriteStream(path) : process.stdout;
  return {
    async write(event) {
      if (!out.write(JSON.stringify(event) + '\n'))
        await new Promise((resolve) => out.once('drain', resolve));
    },
    async close() {
      if (path) await new Promise<void>((resolve) => out.end(resolve));
    },
  };
}

/** The typed producers of @datapark/kafka, batched per topic. */
export async function kafkaSink(
  config: DataparkConfig,
  batchSize = 500,
): Promise<EventSink & { readonly sent: Map<TopicName, number> }> {
  const producer = await EventProducer.connect(connectionFromConfig(config, 'event-generator'));
  const buffers = new Map<TopicName, GeneratedEvent['event'][]>();
  const sent = new Map<TopicName, number>();
  const flush = async (topic: TopicName) => {
    const events = buffers.get(topic) ?? [];
    if (events.length === 0) return;
    buffers.set(topic, []);
    await producer.send(topic, events as never);
    sent.set(topic, (sent.get(topic) ?? 0) + events.length);
  };
  return {
    sent,
    async write({ topic, event }) {
      const buffer = buffers.get(topic) ?? [];
      buffer.push(event);
      buffers.set(topic, buffer);
      if (buffer.length >= batchSize) await flush(topic);
    },
    async close() {
      for (const topic of buffers.keys()) await flush(topic);
      await producer.disconnect();
    },
  };
}
