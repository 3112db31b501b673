import type { GeneratedEvent } from '../src/index.js';
import { BatchingSink, parseSimulationConfig, ShopSimulation } from '../src/index.js';

/** Batches as the sink hands them over; each is acknowledged (or failed) when the test says. */
class HeldSink extends BatchingSink {
  readonly name = 'dry-run' as const;
  readonly connected = true;
  readonly calls: { events: readonly GeneratedEvent[]; ack: () => void; fail: () => void }[] = [];

  constructor(inFlightPerLane: number, maxPending = 1_000) {
    super({ batchSize: 10, lingerMs: 0, maxPending }, { inFlightPerLane });
  }

  protected laneOf({ topic }: GeneratedEvent): string {
    return topic;
  }

  protected sendBatch(_lane: string, events: readonly GeneratedEvent[]): Promise<void> {
    return new Promise((resolve, reject) =>
      this.calls.push({ events, ack: resolve, fail: () => reject(new Error('refused')) }),
    );
  }

  protected disconnect(): Promise<void> {
    return Promise.resolve();
  }
}

const events = (n: number): GeneratedEvent[] => {
  const shop = new ShopSimulation(parseSimulationConfig({ seed: 'batching' }));
  return Array.from({ length: n }, () => shop.next());
};
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the batching every sink shares', () => {
  it('pipelines: a lane hands over its next full batch before the previous one is acknowledged, in the order written', async () => {
    const sink = new HeldSink(4);
    const written = events(3000)
      .filter((e) => e.topic === 'clickstream')
      .slice(0, 60);
    for (const e of written) sink.write(e);
    // Six full batches of one lane: four on their way, two waiting for room.
    expect(sink.calls).toHaveLength(4);
    sink.calls[1]!.ack();
    await settle();
    expect(sink.calls).toHaveLength(5);
    for (const call of sink.calls) call.ack();
    await settle();
    sink.calls[5]!.ack();
    await sink.flush();
    expect(sink.calls.flatMap((c) => c.events)).toEqual(written);
    expect(sink.acknowledged.get('clickstream')).toBe(60);
  });

  it('with one batch in flight (PostgreSQL), waits for each acknowledgement before the next batch', async () => {
    const sink = new HeldSink(1);
    const written = events(3000)
      .filter((e) => e.topic === 'clickstream')
      .slice(0, 25);
    for (const e of written) sink.write(e);
    expect(sink.calls).toHaveLength(1);
    sink.calls[0]!.ack();
    await settle();
    // What filled meanwhile goes at once, up to a batch.
    expect(sink.calls.map((c) => c.events.length)).toEqual([10, 10]);
    sink.calls[1]!.ack();
    await settle();
    expect(sink.calls.map((c) => c.events.length)).toEqual([10, 10, 5]);
    sink.calls[2]!.ack();
    await sink.flush();
    expect(sink.calls.flatMap((c) => c.events)).toEqual(written);
  });

  it('bounds what is unacknowledged: past maxPending, write asks the caller to wait until an acknowledgement', async () => {
    const sink = new HeldSink(16, 30);
    const written = events(3000)
      .filter((e) => e.topic === 'clickstream')
      .slice(0, 30);
    const waits = written.map((e) => sink.write(e));
    expect(waits.slice(0, 29).every((w) => w === undefined)).toBe(true);
    const wait = waits[29];
    expect(wait).toBeInstanceOf(Promise);
    let woke = false;
    void wait!.then(() => (woke = true));
    await settle();
    expect(woke).toBe(false);
    sink.calls[0]!.ack();
    await settle();
    expect(woke).toBe(true);
    for (const call of sink.calls.slice(1)) call.ack();
    await sink.flush();
  });

  it('counts a failed batch and still sends the ones behind it', async () => {
    const sink = new HeldSink(4);
    const written = events(3000)
      .filter((e) => e.topic === 'clickstream')
      .slice(0, 30);
    for (const e of written) sink.write(e);
    sink.calls[0]!.fail();
    sink.calls[1]!.ack();
    sink.calls[2]!.ack();
    await sink.flush();
    expect(sink.failed).toBe(10);
    expect(sink.lastError).toBe('refused');
    expect(sink.acknowledged.get('clickstream')).toBe(20);
  });
});
