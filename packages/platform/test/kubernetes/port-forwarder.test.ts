import { createServer, Socket } from 'node:net';
import {
  connect,
  PortInUseError,
  startPortForwards,
  type PortForwardEntry,
} from '@datapark/platform';
import { recordingReporter, startFakeCluster, type FakeCluster } from './cluster-fixture.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Connects and resolves when the forward closes the connection. */
function connectionClosed(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', reject);
    socket.once('close', () => resolve());
    socket.connect(port, '127.0.0.1');
  });
}

// The live forward goes through the API server's pods/portforward WebSocket, which the fake
// API server does not serve: these tests cover the local side (listening, ports taken, a
// forward that cannot be opened), not bytes reaching a pod.
describe('port-forwarder, local side', () => {
  let cluster: FakeCluster;

  beforeEach(async () => {
    cluster = await startFakeCluster({ readyAfterMs: 100 });
    await cluster.platform({ reporter: recordingReporter() }).install();
  });
  afterEach(async () => {
    await cluster.close();
  });

  const entry = (localPort: number): PortForwardEntry => ({
    endpoint: 'postgres',
    namespace: 'datapark',
    service: 'dp-postgresql',
    servicePort: 'postgresql',
    portNumber: 5432,
    targetPort: 'postgresql',
    localPort,
  });

  it('listens on the planned local port and reports a forward that the API server cannot open', async () => {
    const port = await freePort();
    const reporter = recordingReporter();
    const running = await startPortForwards(
      connect({ kubeconfig: cluster.kubeconfig }),
      [entry(port)],
      reporter,
    );
    try {
      expect(reporter.lines).toEqual([
        `step postgres: 127.0.0.1:${port} → service dp-postgresql:postgresql`,
      ]);
      await connectionClosed(port);
      // It found the ready pod behind the Service before asking for the forward.
      expect(
        cluster.api.requests.some(
          (r) => r.path === '/api/v1/namespaces/datapark/services/dp-postgresql',
        ),
      ).toBe(true);
      for (let i = 0; i < 50 && !reporter.lines.at(-1)!.startsWith('warn'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(reporter.lines.at(-1)).toMatch(
        new RegExp(
          `^warn postgres: forward of 127\\.0\\.0\\.1:${port} to dp-postgresql failed: Unexpected server response: 501`,
        ),
      );
    } finally {
      await running.close();
    }
  });

  it('refuses a local port that is taken, naming it and what may hold it', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const error = await startPortForwards(
        connect({ kubeconfig: cluster.kubeconfig }),
        [entry(port)],
        recordingReporter(),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toMatch(
        new RegExp(`127\\.0\\.0\\.1:${port} \\(postgres\\) is taken[\\s\\S]*local platform`),
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
