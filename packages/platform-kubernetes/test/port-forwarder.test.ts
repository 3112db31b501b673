import { createServer, Socket } from 'node:net';
import { PortInUseError } from '@datapark/platform';
import type { PortForwardEntry } from '@datapark/platform-kubernetes';
import { connect } from '../src/kube-clients.js';
import { startPortForwards } from '../src/port-forwarder.js';
import { recordingReporter, startFakeCluster, type FakeCluster } from './cluster-fixture.js';
import type { KubeObject } from './fake-kube-apiserver.js';

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
          `^warn postgres: forward of 127\\.0\\.0\\.1:${port} to dp-postgresql failed: Unexpected server response: 400`,
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

// The whole path a learner's connection takes: 127.0.0.1:<local port> → client-node's
// PortForward → the API server's pods/portforward WebSocket (v4.channel.k8s.io) → the pod's
// port, which the fake API server connects to a local "container": an upper-casing echo server.
describe('port-forwarder, live', () => {
  let cluster: FakeCluster;
  let container: ReturnType<typeof createServer>;
  const reached: string[] = [];

  beforeEach(async () => {
    container = createServer((socket) => {
      socket.on('data', (data) => {
        if (data.toString() === 'bye') socket.end();
        else socket.write(data.toString().toUpperCase());
      });
    });
    await new Promise<void>((resolve) => container.listen(0, '127.0.0.1', resolve));
    const containerPort = (container.address() as { port: number }).port;
    reached.length = 0;
    cluster = await startFakeCluster({
      readyAfterMs: 100,
      portForwardTarget: (pod: KubeObject, port: number) => {
        reached.push(`${pod.metadata.name}:${port}`);
        return { host: '127.0.0.1', port: containerPort };
      },
    });
  });
  afterEach(async () => {
    await cluster.close();
    await new Promise<void>((resolve) => container.close(() => resolve()));
  });

  it('carries bytes both ways to the planned pod and port, and closes when the pod side does', async () => {
    const platform = cluster.platform({ reporter: recordingReporter(), portForward: 'always' });
    const { plan } = await platform.install();
    // The planned local ports (15432…) may be the local platform's: same plan, free ports.
    const entries = await Promise.all(
      plan.entries.map(async (e) => ({ ...e, localPort: await freePort() })),
    );
    const running = await startPortForwards(
      connect({ kubeconfig: cluster.kubeconfig }),
      entries,
      recordingReporter(),
    );
    try {
      const postgres = entries.find((e) => e.endpoint === 'postgres')!;
      const rest = entries.find((e) => e.endpoint === 'spark.restUrl')!;
      expect(await exchange(postgres.localPort, ['hello', 'psql'])).toBe('HELLOPSQL');
      expect(await exchange(rest.localPort, ['submit'])).toBe('SUBMIT');
      // Named target ports were resolved through the pod's container ports.
      expect(reached).toEqual([
        'dp-postgresql-0:5432',
        expect.stringMatching(/^dp-spark-master-[a-z0-9]+-[a-z0-9]+:6066$/),
      ]);
    } finally {
      await running.close();
    }
  });
});

/**
 * Sends each message and waits for its echo, then "bye", on which the container closes; resolves
 * with everything received once the forward has closed the local connection too.
 */
async function exchange(port: number, messages: readonly string[]): Promise<string> {
  const socket = new Socket();
  let received = '';
  socket.on('data', (data: Buffer) => (received += data.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', resolve);
  });
  for (const message of messages) {
    const expected = received.length + message.length;
    const echoed = new Promise<void>((resolve) => {
      const onData = () => {
        if (received.length >= expected) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
    });
    socket.write(message);
    await echoed;
  }
  socket.write('bye');
  await closed;
  return received;
}
