import { createServer, type Server } from 'node:net';
import { redisPing } from '../src/redis/ping.js';

describe('redisPing', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    // Not Redis: takes the connection and closes it without a word.
    server = createServer((socket) => socket.resume().end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('rejects, before its timeout, when the peer closes without answering', async () => {
    const started = Date.now();
    await expect(redisPing('127.0.0.1', port, 'password', 10_000)).rejects.toThrow(
      'closed the connection without answering PING',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
