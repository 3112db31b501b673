import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, STATSD_PORT_OFFSET } from '@datapark/config';
import { BRONZE_STREAM, METRICS_STREAM, stopStream } from '../src/stream/streaming-job.js';

// `stream stop` with nothing of its own to stop: the job may have been kept up by the
// datapark_streaming_keeper DAG, which tells StreamingJobNotRunning it should run; a stop takes
// that back all the same (and the bronze archive, which no alert watches, sends nothing).

describe('stream stop with nothing started by stream start', () => {
  let receiver: Socket;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    receiver = createSocket('udp4');
    receiver.on('message', (message) => received.push(message.toString()));
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    port = receiver.address().port;
  });
  afterAll(() => receiver.close());

  // A state directory without any stream state, and StatsD where this test listens.
  const config = () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapark-stream-stop-'));
    return loadConfig({
      cwd: dir,
      env: {
        DATAPARK_STATE_DIR: dir,
        DATAPARK_PROMETHEUS_URL: `http://127.0.0.1:${port - STATSD_PORT_OFFSET}`,
      },
    });
  };

  const waitForLines = async (count: number) => {
    const deadline = Date.now() + 5_000;
    while (received.length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  };

  it('tells the alert the streaming job should no longer run', async () => {
    received.length = 0;
    await expect(stopStream(config(), METRICS_STREAM)).resolves.toEqual({});
    await waitForLines(1);
    expect(received).toEqual(['datapark_streaming_running:0|g|#query:streaming_metrics']);
  });

  it('sends nothing for a job no alert watches', async () => {
    received.length = 0;
    await expect(stopStream(config(), BRONZE_STREAM)).resolves.toEqual({});
    // A datagram sent would arrive well within this; the metrics one above proves the path.
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([]);
  });
});
