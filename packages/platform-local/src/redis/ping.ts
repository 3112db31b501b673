import { Socket } from 'node:net';
import { PlatformError } from '@datapark/platform';

/** Sends AUTH and PING over RESP; true on `+PONG`. */
export function redisPing(
  host: string,
  port: number,
  password: string,
  timeoutMs = 2000,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = '';
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(
        new PlatformError(
          `no answer from Redis at ${host}:${port}`,
          'redis',
          undefined,
          'REDIS_NO_ANSWER',
        ),
      ),
    );
    socket.once('error', fail);
    // A peer that closes without answering (not Redis) must not leave the promise unsettled:
    // `status` would then end with nothing printed. After a settlement this is a no-op.
    socket.once('close', () =>
      fail(
        new PlatformError(
          `${host}:${port} closed the connection without answering PING`,
          'redis',
          undefined,
          'REDIS_NO_ANSWER',
        ),
      ),
    );
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (received.includes('-'))
        fail(
          new PlatformError(`Redis said: ${received.trim()}`, 'redis', undefined, 'REDIS_REFUSED'),
        );
      else if (received.includes('+PONG')) {
        socket.destroy();
        resolve(true);
      }
    });
    socket.connect(port, host, () => {
      const auth = `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`;
      socket.write(`${auth}*1\r\n$4\r\nPING\r\n`);
    });
  });
}
