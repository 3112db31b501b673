import { createServer, type Server } from 'node:http';
import type { KafkaConnection } from '@datapark/kafka';
import { renderLagMetrics } from './lag-metrics.js';
import { LagReader } from './read-lag.js';

export interface LagExporterOptions {
  readonly connection: KafkaConnection;
  readonly host: string;
  readonly port: number;
  readonly log?: (line: string) => void;
}

/** A running exporter: its server, and `close()`, which also ends its Kafka connections. */
export interface LagExporter {
  readonly server: Server;
  close(): Promise<void>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Serves `GET /metrics`: consumer-group lag per group, topic and partition, and every
 * partition's offsets, read from Kafka at each scrape (concurrent scrapes share one read).
 * When Kafka cannot be read the answer is 503 with the reason, so Prometheus marks the target
 * down.
 */
export async function serveLagExporter(options: LagExporterOptions): Promise<LagExporter> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let reader: Promise<LagReader> | undefined;
  let inFlight: Promise<string> | undefined;

  const read = async () => {
    reader ??= LagReader.connect(options.connection);
    try {
      return await (await reader).read();
    } catch (error) {
      // A fresh connection next time: this one's metadata may name brokers that moved.
      const stale = reader;
      reader = undefined;
      void stale.then((r) => r.disconnect()).catch(() => undefined);
      throw error;
    }
  };

  const scrape = async (): Promise<string> => {
    const started = performance.now();
    // Once more on a fresh connection before answering 503: listing topics or groups fails now
    // and then while brokers create, delete or move partitions, and a scrape is cheap to repeat.
    const snapshot = await read().catch((error: unknown) => {
      log(`kafka-lag-exporter: reading Kafka failed, reconnecting once: ${messageOf(error)}`);
      return read();
    });
    const seconds = (performance.now() - started) / 1000;
    return (
      renderLagMetrics(snapshot) +
      '# HELP kafka_lag_exporter_scrape_duration_seconds How long reading Kafka took.\n' +
      '# TYPE kafka_lag_exporter_scrape_duration_seconds gauge\n' +
      `kafka_lag_exporter_scrape_duration_seconds ${seconds.toFixed(3)}\n` +
      '# HELP kafka_lag_exporter_skipped Topics and groups this read skipped: deleted while it ran, or unreadable.\n' +
      '# TYPE kafka_lag_exporter_skipped gauge\n' +
      `kafka_lag_exporter_skipped ${snapshot.skipped}\n`
    );
  };

  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    inFlight ??= scrape().finally(() => {
      inFlight = undefined;
    });
    inFlight.then(
      (body) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body),
      (error: unknown) => {
        const message = messageOf(error);
        log(`kafka-lag-exporter: reading Kafka failed: ${message}`);
        response.writeHead(503, { 'content-type': 'text/plain' }).end(`Kafka: ${message}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  log(`kafka-lag-exporter: serving http://${options.host}:${options.port}/metrics`);
  return {
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await reader?.then((r) => r.disconnect()).catch(() => undefined);
    },
  };
}
