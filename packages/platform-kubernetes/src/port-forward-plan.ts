import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { EndpointsDocument } from '@datapark/config';
import {
  FORWARD_RULES,
  KAFKA_CLUSTER_PORTS,
  KAFKA_COMPONENTS,
  KAFKA_FIRST_LOCAL_PORT,
  KAFKA_PORTS,
  type EndpointKey,
} from './forward-rules.js';
import { componentOf } from './release-workloads.js';

/** One local port forwarded to a port of a pod (chosen through a Service, or a Kafka broker). */
export interface PortForwardEntry {
  readonly endpoint: EndpointKey;
  readonly namespace: string;
  readonly service: string;
  /** The Service port (or, for a broker, the container port) as named or numbered there. */
  readonly servicePort: string | number;
  /**
   * The port's number on the Service, for in-cluster addresses (for a broker: its in-cluster
   * listener, which may differ from the one forwarded).
   */
  readonly portNumber: number;
  /** The container port the forward reaches: a number, or a name to look up in the pod. */
  readonly targetPort: string | number;
  /** The pod, when the forward is to one pod (a Kafka broker); else a ready pod of the Service. */
  readonly pod?: string;
  readonly localPort: number;
}

export interface PortForwardPlan {
  readonly entries: readonly PortForwardEntry[];
  /** Things the plan could not do well (a broker without a port-forward listener…). */
  readonly warnings: readonly string[];
}

function portMatches(port: { name?: string; port: number }, wanted: string | number): boolean {
  return typeof wanted === 'number' ? port.port === wanted : port.name === wanted;
}

/**
 * Plans the port-forwards for a release: each rule's first matching Service port, and one forward
 * per Kafka broker pod (ordinal order). Headless Services are skipped: a forward needs one pod
 * behind a stable name, which the regular Service gives.
 *
 * @example
 * ```ts
 * const plan = planPortForwards(services, pods, 'datapark');
 * // plan.entries[0]: { endpoint: 'postgres', service: 'dp-postgresql', servicePort: 'postgresql',
 * //                    targetPort: 'postgresql', localPort: 15432, namespace: 'datapark' }
 * ```
 */
export function planPortForwards(
  services: readonly V1Service[],
  pods: readonly V1Pod[],
  namespace: string,
): PortForwardPlan {
  const entries: PortForwardEntry[] = [];
  const warnings: string[] = [];
  const regular = services.filter((s) => s.spec?.clusterIP !== 'None');
  for (const rule of FORWARD_RULES) {
    const found = regular
      .filter((s) => rule.components.includes(componentOf(s.metadata)))
      .flatMap((s) =>
        rule.ports.flatMap((wanted) =>
          (s.spec?.ports ?? [])
            .filter((p) => portMatches(p, wanted))
            .map((p) => ({ service: s, port: p })),
        ),
      )[0];
    if (!found) continue;
    entries.push({
      endpoint: rule.endpoint,
      namespace,
      service: found.service.metadata!.name!,
      servicePort: found.port.name ?? found.port.port,
      portNumber: found.port.port,
      targetPort: found.port.targetPort ?? found.port.port,
      localPort: rule.localPort,
    });
  }
  const brokers = pods
    .filter((p) => KAFKA_COMPONENTS.includes(componentOf(p.metadata)))
    .map((p) => ({ pod: p, ordinal: Number(/-(\d+)$/.exec(p.metadata?.name ?? '')?.[1] ?? NaN) }))
    .filter((b) => Number.isInteger(b.ordinal))
    .sort((a, b) => a.ordinal - b.ordinal);
  for (const { pod, ordinal } of brokers) {
    const ports = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
    const firstOf = (names: readonly (string | number)[]) =>
      names
        .map((wanted) =>
          ports.find((p) =>
            typeof wanted === 'number' ? p.containerPort === wanted : p.name === wanted,
          ),
        )
        .find((p) => p !== undefined);
    const port = firstOf(KAFKA_PORTS);
    // Pods in the cluster use the listener that advertises in-cluster names.
    const clusterPort = firstOf(KAFKA_CLUSTER_PORTS) ?? port;
    if (!port) {
      warnings.push(`Kafka broker ${pod.metadata?.name} has no client port to forward`);
      continue;
    }
    if (!['local', 'external', 'port-forward'].includes(port.name ?? '')) {
      warnings.push(
        `Kafka broker ${pod.metadata?.name} has no port-forward listener (a container port named "local"): ` +
          'clients reach the bootstrap broker but are then told in-cluster addresses',
      );
    }
    entries.push({
      endpoint: 'kafka',
      namespace,
      service: pod.spec?.subdomain ?? pod.metadata?.name ?? '',
      servicePort: port.name ?? port.containerPort,
      portNumber: clusterPort?.containerPort ?? port.containerPort,
      targetPort: port.containerPort,
      pod: pod.metadata!.name!,
      localPort: KAFKA_FIRST_LOCAL_PORT + ordinal,
    });
  }
  return { entries, warnings };
}

/** The endpoints the forwards serve, on `host` (127.0.0.1), in the endpoints file's shape. */
export function endpointsFromPlan(plan: PortForwardPlan, host = '127.0.0.1'): EndpointsDocument {
  return endpointsOf(plan.entries.map((e) => ({ endpoint: e.endpoint, host, port: e.localPort })));
}

/**
 * The endpoints by in-cluster DNS names (`dp-postgresql.datapark.svc:5432`), for a cluster that
 * is not on this machine: what pods in the cluster use.
 */
export function inClusterEndpoints(plan: PortForwardPlan): EndpointsDocument {
  return endpointsOf(
    plan.entries.map((e) => ({
      endpoint: e.endpoint,
      host: e.pod ? `${e.pod}.${e.service}.${e.namespace}.svc` : `${e.service}.${e.namespace}.svc`,
      port: e.portNumber,
    })),
  );
}

function endpointsOf(
  addresses: readonly { endpoint: EndpointKey; host: string; port: number }[],
): EndpointsDocument {
  const doc: Record<string, Record<string, unknown>> = {};
  const set = (section: string, key: string, value: unknown) => {
    doc[section] = { ...(doc[section] ?? {}), [key]: value };
  };
  const kafka: string[] = [];
  for (const { endpoint, host, port } of addresses) {
    const url = `http://${host}:${port}`;
    switch (endpoint) {
      case 'postgres':
        set('postgres', 'host', host);
        set('postgres', 'port', port);
        break;
      case 'redis':
        set('redis', 'host', host);
        set('redis', 'port', port);
        break;
      case 'kafka':
        kafka.push(`${host}:${port}`);
        break;
      case 'spark.masterUrl':
        set('spark', 'masterUrl', `spark://${host}:${port}`);
        break;
      default: {
        const [section, key] = endpoint.split('.') as [string, string];
        set(section, key, url);
      }
    }
  }
  if (kafka.length > 0) set('kafka', 'bootstrapServers', kafka);
  return doc;
}
