import { CONFIG_KEYS } from '@datapark/config';
import { PlatformError } from '@datapark/platform';

/** The endpoints-file entry a forwarded port serves. */
export type EndpointKey =
  | 'postgres'
  | 'redis'
  | 'kafka'
  | 'spark.masterUrl'
  | 'spark.restUrl'
  | 'spark.uiUrl'
  | 'spark.historyUrl'
  | 'airflow.url'
  | 'jupyter.url'
  | 'superset.url'
  | 's3.url'
  | 'monitoring.prometheusUrl'
  | 'monitoring.alertmanagerUrl';

/**
 * The port of a key's default in @datapark/config (`15432`, `http://127.0.0.1:18280` → 18280,
 * the first of the Kafka bootstrap servers): the local platform's ports, defined once there.
 */
function defaultPort(key: string): number {
  const value = CONFIG_KEYS[key]?.default;
  if (typeof value === 'number') return value;
  const first = String(value).split(',')[0]!;
  const port = first.includes('://') ? new URL(first).port : first.split(':').at(-1);
  if (!port)
    throw new PlatformError(
      `@datapark/config has no default port for ${key}`,
      'kubernetes',
      'a bug in Data Park: add a default for the key in packages/config/src/keys.ts',
      'NO_DEFAULT_PORT',
    );
  return Number(port);
}

/**
 * Which Service port goes to which local port: the same ports the local platform uses
 * (@datapark/config's defaults), so every SDK, app and notebook finds a cluster on this machine
 * exactly as it finds the local platform. A rule matches a Service by its component
 * (`app.kubernetes.io/name` and `component`, see componentOf) and a port by name or number.
 */
export interface ForwardRule {
  readonly endpoint: EndpointKey;
  readonly components: readonly string[];
  readonly ports: readonly (string | number)[];
  readonly localPort: number;
}

export const FORWARD_RULES: readonly ForwardRule[] = Object.freeze([
  {
    endpoint: 'postgres',
    components: ['postgresql'],
    ports: ['postgresql', 5432],
    localPort: defaultPort('postgres.port'),
  },
  {
    endpoint: 'redis',
    components: ['redis', 'airflow-redis'],
    ports: ['redis', 6379],
    localPort: defaultPort('redis.port'),
  },
  {
    endpoint: 'spark.masterUrl',
    components: ['spark-master'],
    ports: ['rpc', 'cluster', 'spark', 7077],
    localPort: defaultPort('spark.masterUrl'),
  },
  {
    endpoint: 'spark.restUrl',
    components: ['spark-master'],
    ports: ['rest', 6066],
    localPort: defaultPort('spark.restUrl'),
  },
  {
    endpoint: 'spark.uiUrl',
    components: ['spark-master'],
    ports: ['ui', 'http', 8080],
    localPort: defaultPort('spark.uiUrl'),
  },
  {
    endpoint: 'spark.historyUrl',
    components: ['spark-history', 'spark-history-server'],
    ports: ['http', 'ui', 18080],
    localPort: defaultPort('spark.historyUrl'),
  },
  {
    endpoint: 'airflow.url',
    components: ['airflow-api-server', 'airflow-apiserver', 'airflow-api'],
    ports: ['http', 'api', 8080],
    localPort: defaultPort('airflow.url'),
  },
  {
    endpoint: 'jupyter.url',
    components: ['jupyter'],
    ports: ['http', 'jupyter', 8888],
    localPort: defaultPort('jupyter.url'),
  },
  {
    endpoint: 'superset.url',
    components: ['superset'],
    ports: ['http', 8088],
    localPort: defaultPort('superset.url'),
  },
  {
    endpoint: 's3.url',
    components: ['objectstore'],
    ports: ['s3', 7070],
    localPort: defaultPort('s3.url'),
  },
  // The chart's own Prometheus and Alertmanager (where the cluster has no Prometheus Operator).
  {
    endpoint: 'monitoring.prometheusUrl',
    components: ['monitoring-prometheus'],
    ports: ['http', 9090],
    localPort: defaultPort('monitoring.prometheusUrl'),
  },
  {
    endpoint: 'monitoring.alertmanagerUrl',
    components: ['monitoring-alertmanager'],
    ports: ['http', 9093],
    localPort: defaultPort('monitoring.alertmanagerUrl'),
  },
]);

/** Kafka brokers are forwarded one by one (a client talks to each broker it is told about). */
export const KAFKA_FIRST_LOCAL_PORT = defaultPort('kafka.bootstrapServers');
export const KAFKA_COMPONENTS = ['kafka', 'kafka-broker', 'kafka-controller'];
/**
 * The broker port for clients outside the cluster: the chart gives each broker a listener that
 * advertises 127.0.0.1:<19092 + ordinal>, so a client reaching it through the forward is told
 * addresses that are forwarded too. Plain `client` (advertising in-cluster names) is the
 * fallback, with a warning.
 */
export const KAFKA_PORTS: readonly (string | number)[] = [
  'local',
  'external',
  'port-forward',
  'broker',
  'client',
  'kafka',
  9092,
];
export const KAFKA_CLUSTER_PORTS: readonly (string | number)[] = [
  'broker',
  'client',
  'kafka',
  9092,
];
