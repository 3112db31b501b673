import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { GeneratedEvent } from '../shop-simulation.js';
import type { BatchingOptions } from './batching-sink.js';
import { BatchingSink } from './batching-sink.js';

/** JSON lines, one `{topic, event}` per line, to stdout or a file: nothing leaves the machine. */
export class DryRunSink extends BatchingSink {
  readonly name = 'dry-run' as const;
  readonly connected = true;
  private readonly out: Writable;
  private broken: Error | undefined;

  constructor(
    private readonly path: string | undefined,
    options: BatchingOptions,
  ) {
    super(options);
    this.out = path ? createWriteStream(path) : process.stdout;
    // A closed pipe (`| head`) or a full disk fails the batches instead of crashing the process.
    this.out.on('error', (error) => (this.broken ??= error));
  }

  protected laneOf(): string {
    return 'lines';
  }

  protected sendBatch(_lane: string, events: readonly GeneratedEvent[]): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    let chunk = '';
    for (const event of events) chunk += JSON.stringify(event) + '\n';
    return new Promise((resolve, reject) =>
      this.out.write(chunk, (error) => (error ? reject(error) : resolve())),
    );
  }

  protected async disconnect(): Promise<void> {
    if (this.path) await new Promise<void>((resolve) => this.out.end(resolve));
  }
}
