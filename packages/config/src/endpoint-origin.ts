import { CONFIG_KEYS } from './keys.js';
import type { DataparkConfig } from './load-config.js';
import { valueOrigin } from './value-origin.js';

type Values = Readonly<Record<string, unknown>>;

interface EndpointSpec {
  /** As a user names it: `PostgreSQL`, `the Spark REST server`. */
  readonly what: string;
  /** The platform component that serves it (`datapark status` names it so). */
  readonly component: string;
  /** The configuration keys the address is made of. */
  readonly keys: readonly string[];
  readonly address: (values: Values) => string;
}

const url = (key: string): Pick<EndpointSpec, 'keys' | 'address'> => ({
  keys: [key],
  address: (v) => String(v[key]),
});

/** Every address a client connects to, the keys it is made of, and the component behind it. */
export const ENDPOINTS = Object.freeze({
  postgres: {
    what: 'PostgreSQL',
    component: 'postgres',
    keys: ['postgres.host', 'postgres.port'],
    address: (v: Values) => `${String(v['postgres.host'])}:${String(v['postgres.port'])}`,
  },
  redis: {
    what: 'Redis',
    component: 'redis',
    keys: ['redis.host', 'redis.port'],
    address: (v: Values) => `${String(v['redis.host'])}:${String(v['redis.port'])}`,
  },
  kafka: {
    what: 'Kafka',
    component: 'kafka',
    keys: ['kafka.bootstrapServers'],
    address: (v: Values) => [v['kafka.bootstrapServers']].flat().join(','),
  },
  sparkMaster: { what: 'the Spark master', component: 'spark', ...url('spark.masterUrl') },
  sparkRest: { what: 'the Spark REST server', component: 'spark', ...url('spark.restUrl') },
  sparkUi: { what: 'the Spark master UI', component: 'spark', ...url('spark.uiUrl') },
  sparkHistory: {
    what: 'the Spark history server',
    component: 'spark',
    ...url('spark.historyUrl'),
  },
  airflow: { what: 'Airflow', component: 'airflow', ...url('airflow.url') },
  jupyter: { what: 'JupyterLab', component: 'jupyter', ...url('jupyter.url') },
  superset: { what: 'Superset', component: 'superset', ...url('superset.url') },
  prometheus: { what: 'Prometheus', component: 'monitoring', ...url('monitoring.prometheusUrl') },
  alertmanager: {
    what: 'Alertmanager',
    component: 'monitoring',
    ...url('monitoring.alertmanagerUrl'),
  },
  s3: { what: 'the object store', component: 'objectstore', ...url('s3.url') },
} satisfies Record<string, EndpointSpec>);

export type EndpointName = keyof typeof ENDPOINTS;

/** An address of the config and, when an override moved it, what moved it and from where. */
export interface EndpointOrigin {
  readonly endpoint: EndpointName;
  /** `PostgreSQL`, `the Spark REST server`. */
  readonly what: string;
  /** Where clients connect: `127.0.0.1:25999`, `http://127.0.0.1:18280`. */
  readonly address: string;
  /**
   * What set the address away from the platform's: `DATAPARK_POSTGRES_PORT`, or
   * `the option postgres.port`. Empty when the address is the platform's own (or unknown).
   */
  readonly overriddenBy: readonly string[];
  /** The platform's own address, from the endpoints file, when an override points elsewhere. */
  readonly platformAddress?: string;
  /**
   * The override in words, for a message: `set by DATAPARK_POSTGRES_PORT; the platform's
   * PostgreSQL is at 127.0.0.1:15432`. Undefined when nothing points elsewhere.
   */
  readonly note?: string;
  /** What to do about it: `unset DATAPARK_POSTGRES_PORT to use the platform's PostgreSQL`. */
  readonly fix?: string;
}

/**
 * Where an endpoint of the config points and whether an option or a `DATAPARK_*` variable moved
 * it away from where the platform is (as the endpoints file says). The one place messages ask
 * "is this the platform's address, and if not, why?".
 *
 * @example
 * ```ts
 * // DATAPARK_POSTGRES_PORT=25999 with the platform up on 15432
 * const origin = endpointOrigin(loadConfig(), 'postgres');
 * `cannot connect to ${origin.what} at ${origin.address} (${origin.note})`;
 * // cannot connect to PostgreSQL at 127.0.0.1:25999 (set by DATAPARK_POSTGRES_PORT; the platform's PostgreSQL is at 127.0.0.1:15432)
 * ```
 */
export function endpointOrigin(config: DataparkConfig, endpoint: EndpointName): EndpointOrigin {
  const spec: EndpointSpec = ENDPOINTS[endpoint];
  const current: Record<string, unknown> = {};
  const platform: Record<string, unknown> = {};
  const overriddenBy: string[] = [];
  let platformKnown = true;
  for (const key of spec.keys) {
    const value = valueAt(config, key);
    current[key] = value;
    platform[key] = value;
    const origin = valueOrigin(config, key);
    if (!origin || (origin.from !== 'environment' && origin.from !== 'option')) continue;
    if (origin.platformValue === undefined) {
      // The endpoints file does not say where the platform is: name the override all the same.
      platformKnown = false;
      overriddenBy.push(setter(key, origin.variable));
    } else if (!sameValue(origin.platformValue, value)) {
      platform[key] = origin.platformValue;
      overriddenBy.push(setter(key, origin.variable));
    }
  }
  const address = spec.address(current);
  const base = { endpoint, what: spec.what, address, overriddenBy };
  if (overriddenBy.length === 0) return base;
  const platformAddress = platformKnown ? spec.address(platform) : undefined;
  const setBy = `set by ${overriddenBy.join(' and ')}`;
  const platforms = `the platform's ${spec.what.replace(/^the /, '')}`;
  const unset = overriddenBy.filter((s) => s.startsWith('DATAPARK_'));
  return {
    ...base,
    ...(platformAddress ? { platformAddress } : {}),
    note: platformAddress
      ? `${setBy}; ${platforms} is at ${platformAddress}`
      : `${setBy}; the endpoints file does not say where the platform's is`,
    fix:
      unset.length > 0
        ? `unset ${unset.join(' and ')} to use ${platforms}`
        : `drop ${overriddenBy.join(' and ')} to use ${platforms}`,
  };
}

/** The endpoints of one platform component (`spark`: master, REST, UI, history) that point elsewhere. */
export function overriddenEndpoints(config: DataparkConfig, component: string): EndpointOrigin[] {
  return (Object.keys(ENDPOINTS) as EndpointName[])
    .filter((name) => ENDPOINTS[name].component === component)
    .map((name) => endpointOrigin(config, name))
    .filter((origin) => origin.note !== undefined);
}

function setter(key: string, variable: string | undefined): string {
  return variable ?? (CONFIG_KEYS[key] ? `the option ${key}` : key);
}

function valueAt(config: DataparkConfig, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], config);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
