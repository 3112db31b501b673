// bench:producer — EventProducer (@datapark/kafka, on @platformatic/kafka) against Kafka's own
// org.apache.kafka.tools.ProducerPerformance from the same jars at the best settings we found,
// on the same 3-node cluster, same topic, same 1 KiB records, acks=all, idempotent, no
// compression; rounds alternated, every round printed, medians compared. Target: ≥ 0.6x.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import type { EventOf } from '@datapark/events';
import { sampleEvents } from '@datapark/events';
import { connectionFromConfig, EventProducer } from '@datapark/kafka';
import { runProducerPerformance, TUNED_JAVA_PRODUCER } from './producer-performance.js';
import { printReport, timed } from './report.js';
import { alternateRounds, describeRounds } from './rounds.js';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const RECORD_BYTES = 1024;
const BATCH = 500;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
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

async function ours(): Promise<{ seconds: number; cpuSeconds: number }> {
  const events = Array.from({ length: RECORDS }, oneKibEvent);
  const producer = await EventProducer.connect(connectionFromConfig(config, 'bench-producer'), {
    compression: 'none',
  });
  try {
    let next = 0;
    const cpu = process.cpuUsage();
    const seconds = await timed(() =>
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
    const used = process.cpuUsage(cpu);
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    await producer.disconnect();
  }
}

const TUNED_JAVA = TUNED_JAVA_PRODUCER;

function reference(payloadFile: string, extraProps: readonly string[]) {
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
    `bench:producer: ${RECORDS} records of ${RECORD_BYTES} B to ${TOPIC}, acks=all, idempotent, no compression, ${ROUNDS} rounds each, alternated\n`,
  );
  const rounds = await alternateRounds(
    [
      {
        name: 'EventProducer',
        run: async () => {
          const { seconds, cpuSeconds } = await ours();
          return {
            rate: RECORDS / seconds,
            detail: `${seconds.toFixed(2)} s, Node CPU ${cpuSeconds.toFixed(2)} s`,
          };
        },
      },
      {
        name: 'ProducerPerformance',
        run: async () => {
          const ref = await reference(payloadFile, TUNED_JAVA);
          return { rate: ref.recordsPerSec, detail: ref.line };
        },
      },
    ],
    ROUNDS,
    { unit: 'records/s' },
  );
  // For context only: the Java client at its defaults (16 KiB batches, 5 ms linger).
  const defaults = await reference(payloadFile, []);
  process.stderr.write(`  Java client at its defaults, once, for context: ${defaults.line}\n`);
  const oursRate = rounds.median['EventProducer']!;
  const refRate = rounds.median['ProducerPerformance']!;
  const mb = (rate: number) => `${((rate * RECORD_BYTES) / 1024 / 1024).toFixed(1)} MB/s`;
  printReport(
    { bench: 'producer', ours: oursRate, reference: refRate, unit: 'records/s' },
    [
      ['records', `${RECORDS} × ${RECORD_BYTES} B (valid clickstream events)`],
      ['settings', 'acks=all, idempotent, no compression, 3 brokers, RF 3, min ISR 2'],
      [
        'ours',
        `EventProducer (@platformatic/kafka, a lane per partition), sends of ${BATCH}, ${CONCURRENCY} at a time: ${mb(oursRate)}; rounds ${describeRounds(rounds.rates['EventProducer']!)}`,
      ],
      [
        'reference',
        `ProducerPerformance (Java client, same jars) at ${TUNED_JAVA.join(' ')}: ${mb(refRate)}; rounds ${describeRounds(rounds.rates['ProducerPerformance']!)}`,
      ],
      [
        'Java client defaults',
        `${defaults.recordsPerSec.toFixed(0)} records/s (context, not the reference)`,
      ],
    ],
    0.6,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
