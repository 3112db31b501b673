import type { DataparkConfig } from '@datapark/config';
import type { GeneratorConfig, SinkName } from '../generator-config.js';
import type { BatchingOptions } from './batching-sink.js';
import { CountOnlySink } from './count-only-sink.js';
import { DryRunSink } from './dry-run-sink.js';
import type { EventSink } from './event-sink.js';
import { KafkaSink } from './kafka-sink.js';
import { PostgresSink } from './postgres-sink.js';

/**
 * Opens the configured sinks, connected and checked; if one fails to open, the ones already
 * open are closed again before the error is thrown.
 */
export async function openSinks(
  config: GeneratorConfig,
  platform: () => DataparkConfig,
  onError?: (sink: SinkName, error: Error) => void,
): Promise<EventSink[]> {
  // Room for a few batches per lane in flight before the generator waits for acknowledgements.
  const batching: BatchingOptions = {
    batchSize: config.batchSize,
    lingerMs: config.mode === 'realtime' ? config.lingerMs : 0,
    maxPending: config.batchSize * 8,
    ...(onError ? { onError } : {}),
  };
  const sinks: EventSink[] = [];
  try {
    for (const name of config.sinks) {
      if (name === 'dry-run') sinks.push(new DryRunSink(config.out, batching));
      else if (name === 'none') sinks.push(new CountOnlySink());
      else if (name === 'kafka')
        sinks.push(
          await KafkaSink.connect(platform(), {
            ...batching,
            // Kafka pipelines its batches: room for 16 on their way (about 10 MB at 2000 events
            // of 325 B) before the generator waits.
            maxPending: config.batchSize * 16,
            compression: config.compression,
          }),
        );
      else sinks.push(await PostgresSink.connect(platform(), batching));
    }
  } catch (error) {
    await Promise.allSettled(sinks.map((s) => s.close()));
    throw error;
  }
  return sinks;
}
