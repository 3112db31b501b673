import { createServer, type Server, type Socket } from 'node:net';
import { PortForward, type V1Pod } from '@kubernetes/client-node';
import type { ProgressReporter } from '@datapark/platform';
import { PlatformError, PortInUseError } from '@datapark/platform';
import { describe, type KubeClients } from './kube-clients.js';
import type { PortForwardEntry } from './port-forward-plan.js';

/** Live forwards; `close()` stops listening and drops the connections. */
export interface RunningForwards {
  readonly entries: readonly PortForwardEntry[];
  close(): Promise<void>;
}

function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The pod a forward goes to: the named one, or a ready pod behind the Service. */
async function resolvePod(clients: KubeClients, entry: PortForwardEntry): Promise<V1Pod> {
  if (entry.pod) {
    return clients.core.readNamespacedPod({ name: entry.pod, namespace: entry.namespace });
  }
  const service = await clients.core.readNamespacedService({
    name: entry.service,
    namespace: entry.namespace,
  });
  const selector = Object.entries(service.spec?.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await clients.core.listNamespacedPod({
    namespace: entry.namespace,
    labelSelector: selector,
  });
  const pod = pods.items.find(podReady);
  if (!pod)
    throw new PlatformError(
      `no ready pod behind service ${entry.service}`,
      'kubernetes',
      'npx nx run charts:status shows which pods are not ready and why',
      'NO_READY_POD',
    );
  return pod;
}

/** The container port number of a (possibly named) target port. */
function containerPort(pod: V1Pod, target: string | number): number {
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const port = (pod.spec?.containers ?? [])
    .flatMap((c) => c.ports ?? [])
    .find((p) => p.name === target);
  if (!port)
    throw new PlatformError(
      `pod ${pod.metadata?.name} has no container port named ${target}`,
      'kubernetes',
      'the Service and its pods disagree on the port name: check the chart templates',
      'NO_CONTAINER_PORT',
    );
  return port.containerPort;
}

/**
 * Listens on 127.0.0.1:<localPort> for each entry and forwards every connection to its pod
 * through client-node's PortForward (the API server's pods/portforward WebSocket). The pod is
 * resolved per connection, so a restarted pod is picked up without restarting the forward.
 */
export async function startPortForwards(
  clients: KubeClients,
  entries: readonly PortForwardEntry[],
  reporter: ProgressReporter,
): Promise<RunningForwards> {
  const forward = new PortForward(clients.config);
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const close = async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
  try {
    for (const entry of entries) {
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
        resolvePod(clients, entry)
          .then((pod) =>
            forward.portForward(
              entry.namespace,
              pod.metadata!.name!,
              [containerPort(pod, entry.targetPort)],
              socket,
              null,
              socket,
            ),
          )
          .then((ws) => {
            // The pod side closing (or the API server dropping the stream) ends the local
            // connection too, as `kubectl port-forward` does.
            if (typeof ws !== 'function') ws.on('close', () => socket.end());
          })
          .catch((error: unknown) => {
            reporter.warn(
              entry.endpoint,
              `forward of 127.0.0.1:${entry.localPort} to ${entry.pod ?? entry.service} failed: ${describe(error)} ` +
                `(does \`kubectl -n ${entry.namespace} port-forward ${entry.pod ? `pod/${entry.pod}` : `svc/${entry.service}`} ${entry.localPort}:${entry.servicePort}\` work?)`,
            );
            socket.destroy();
          });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(
            error.code === 'EADDRINUSE'
              ? new PortInUseError(
                  `127.0.0.1:${entry.localPort} (${entry.endpoint}) is taken`,
                  entry.endpoint,
                  'the local platform may be running on the same ports: stop it (`datapark down`) or stop the other port-forward',
                )
              : error,
          ),
        );
        server.listen(entry.localPort, '127.0.0.1', () => resolve());
      });
      servers.push(server);
      const target = entry.pod ? `pod ${entry.pod}` : `service ${entry.service}`;
      reporter.step(
        entry.endpoint,
        `127.0.0.1:${entry.localPort} → ${target}:${entry.servicePort}`,
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { entries, close };
}
