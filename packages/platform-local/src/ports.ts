import { createServer, Socket } from 'node:net';
import { PortInUseError } from '@datapark/platform';

/** True when something accepts TCP connections on host:port. */
export function isListening(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, host, () => finish(true));
  });
}

/** True when this process could bind host:port now. */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Fails with the override variable in the message when the port is taken. Called only before a
 * component starts, so a port held by our own running process never gets here.
 */
export async function assertPortFree(
  component: string,
  host: string,
  port: number,
  envVar: string,
): Promise<void> {
  if (await canBind(host, port)) return;
  throw new PortInUseError(
    `port ${port} on ${host} is already in use by another process`,
    component,
    `stop that process (ss -ltnp 'sport = :${port}' shows it) or choose another port: ${envVar}=<free port> npx nx run platform:up`,
  );
}
