import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIngestMetrics } from '../src/metrics/ingest-metrics.js';
import { serveMetrics } from '../src/metrics/metrics-server.js';
import { statsdLine } from '../src/metrics/statsd.js';

describe("ingest's metrics and how Prometheus finds them", () => {
  it('count per group and topic, every topic from 0, batches in a histogram, lag from progress', async () => {
    const metrics = createIngestMetrics('g1', ['order-events', 'clickstream']);
    metrics.onBatch({
      topic: 'order-events',
      partition: 0,
      rows: 10,
      deadLetters: 2,
      skipped: 1,
      bytes: 4096,
      seconds: 0.02,
    });
    metrics.onProgress({
      group: 'g1',
      rows: 10,
      deadLetters: 2,
      skipped: 1,
      rowsPerSecond: 5,
      lag: { 'order-events': 0, clickstream: 42 },
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('ingest_rows_total{topic="order-events",group="g1"} 10');
    expect(text).toContain('ingest_rows_total{topic="clickstream",group="g1"} 0');
    expect(text).toContain('ingest_dead_letters_total{topic="order-events",group="g1"} 2');
    expect(text).toContain('ingest_bytes_total{topic="order-events",group="g1"} 4096');
    expect(text).toContain(
      'ingest_batch_duration_seconds_bucket{le="0.025",group="g1",topic="order-events"} 1',
    );
    expect(text).toContain('ingest_lag_records{topic="clickstream",group="g1"} 42');
    expect(text).toMatch(/ingest_last_commit_timestamp_seconds\{group="g1"\} \d{10}/);
  });

  it("serves /metrics on 127.0.0.1 and announces it with a target file removed on close; a dead process's file goes at the next start", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapark-targets-'));
    try {
      // pid 2^22 + 1 is above Linux's pid_max: no such process.
      const stale = join(dir, `ingest-${2 ** 22 + 1}-1234.json`);
      writeFileSync(stale, '[]');
      const metrics = createIngestMetrics('g2', ['product-events']);
      const server = await serveMetrics({
        registry: metrics.registry,
        job: 'ingest',
        labels: { unit: 'ingest', group: 'g2' },
        targetsDir: dir,
      });
      expect(existsSync(stale)).toBe(false);
      const port = new URL(server.url).port;
      expect(server.url).toBe(`http://127.0.0.1:${port}/metrics`);
      expect(JSON.parse(readFileSync(server.targetFile, 'utf8'))).toEqual([
        { targets: [`127.0.0.1:${port}`], labels: { unit: 'ingest', group: 'g2' } },
      ]);
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(
        'ingest_rows_total{topic="product-events",group="g2"} 0',
      );
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
      await server.close();
      expect(existsSync(server.targetFile)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes StatsD gauges as DogStatsD lines, separators in values made harmless', () => {
    expect(
      statsdLine({
        name: 'datapark_quality_check_passed',
        value: 0,
        labels: { check: 'a:b|c', table: 'processed.fact_orders' },
      }),
    ).toBe('datapark_quality_check_passed:0|g|#check:a_b_c,table:processed.fact_orders');
    expect(statsdLine({ name: 'x', value: 1.5, labels: {} })).toBe('x:1.5|g');
  });
});
