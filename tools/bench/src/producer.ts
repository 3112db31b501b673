// bench:producer — EventProducer (@datapark/kafka, kafkajs) against Kafka's own
// org.apache.kafka.tools.ProducerPerformance from the same jars, on the same 3-node cluster,
// same topic, same 1 KiB records, acks=all, idempotent, no compression. Target: ≥ 0.6x.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import type { EventOf } from '@datapark/events';
import { sampleEvents } from '@datapark/events';
import { connectionFromConfig, EventProducer } from '@datapark/kafka';
import { runProducerPerformance } from './producer-performance.js';
import { printReport, timed } from './report.js';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const RECORD_BYTES = 1024;
const BATCH = 500;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const TOPIC = 'clickstream';

const config = loadConfig();

/** A valid clickstream event padded to exactly RECORD_BYTES of JSON. */
function oneKibEvent(): EventOf<'clickstream'> {
  const event = sampleEvents.click({ page: '/' });
  const padding = RECORD_BYTES - Buffer.byteLength(JSON.stringify(event));
  return {
    ...event,
    payload: { ...event.payload, page: '/' + 'p'.repeat(padding) },
  } as EventOf<'clickstream'>;
}

async function ours(): Promise<number> {
  const events = Array.from({ length: RECORDS }, oneKibEvent);
  const producer = await EventProducer.connect(connectionFromConfig(config, 'bench-producer'), {
    compression: 'none',
  });
  try {
    let next = 0;
    return await timed(() =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (;;) {
            const start = next;
            next += BATCH;
            if (start >= RECORDS) return;
            await producer.send(TOPIC, events.slice(start, start + BATCH));
          }
        }),
      ),
    );
  } finally {
    await producer.disconnect();
  }
}

function reference(payloadFile: string, extraProps: string[] = []) {
  return runProducerPerformance({
    topic: TOPIC,
    records: RECORDS,
    payloadFile,
    bootstrapServers: config.kafka.bootstrapServers,
    extraProps,
  });
}

const dir = mkdtempSync(join(tmpdir(), 'bench-producer-'));
try {
  const payloadFile = join(dir, 'payloads.jsonl');
  writeFileSync(
    payloadFile,
    Array.from({ length: 1000 }, () => JSON.stringify(oneKibEvent())).join('\n') + '\n',
  );
  process.stderr.write(
    `bench:producer: ${RECORDS} records of ${RECORD_BYTES} B to ${TOPIC}, acks=all, idempotent, no compression\n`,
  );
  const ref = reference(payloadFile);
  process.stderr.write(`  ProducerPerformance (client defaults): ${ref.line}\n`);
  // For context: the Java client with big batches, as a tuned application would run it.
  const tuned = reference(payloadFile, ['batch.size=262144', 'linger.ms=10']);
  process.stderr.write(`  ProducerPerformance (batch.size=256k, linger.ms=10): ${tuned.line}\n`);
  const seconds = await ours();
  const oursRate = RECORDS / seconds;
  process.stderr.write(`  EventProducer: ${RECORDS} records in ${seconds.toFixed(2)}s\n`);
  const mb = (rate: number) => `${((rate * RECORD_BYTES) / 1024 / 1024).toFixed(1)} MB/s`;
  printReport(
    { bench: 'producer', ours: oursRate, reference: ref.recordsPerSec, unit: 'records/s' },
    [
      ['records', `${RECORDS} × ${RECORD_BYTES} B (valid clickstream events)`],
      ['settings', 'acks=all, idempotent, no compression, 3 brokers, RF 3, min ISR 2'],
      [
        'ours',
        `EventProducer (kafkajs), batches of ${BATCH}, ${CONCURRENCY} in flight: ${mb(oursRate)}`,
      ],
      [
        'reference',
        `ProducerPerformance (Java client, same jars, defaults): ${mb(ref.recordsPerSec)}`,
      ],
      [
        'tuned Java client',
        `batch.size=256k linger.ms=10: ${tuned.recordsPerSec.toFixed(0)} records/s, ours is ${(oursRate / tuned.recordsPerSec).toFixed(2)}x of it`,
      ],
    ],
    0.6,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
