import type { DataparkConfig, EndpointName } from '@datapark/config';
import { endpointOrigin } from '@datapark/config';
import { ComponentUnreachableError, hostPortOf, probeTcp } from './component-unreachable.js';

/** The command that starts the local platform (or one component of it). */
export const PLATFORM_UP = 'npx nx run platform:up';

export type Component = 'kafka' | 'postgres' | 'spark' | 'airflow' | 'objectstore';

/** The endpoint of @datapark/config each component is reached at. */
const ENDPOINT: Readonly<Record<Component, EndpointName>> = {
  kafka: 'kafka',
  postgres: 'postgres',
  spark: 'sparkRest',
  airflow: 'airflow',
  objectstore: 's3',
};

/** Where each component listens, as the config says, and how a user calls it. */
function addresses(config: DataparkConfig, component: Component): [string, string[]] {
  switch (component) {
    case 'kafka':
      return ['Kafka', [...config.kafka.bootstrapServers]];
    case 'postgres':
      return ['PostgreSQL', [`${config.postgres.host}:${config.postgres.port}`]];
    case 'spark':
      return ['The Spark REST server', [hostPortOf(config.spark.restUrl)]];
    case 'airflow':
      return ['Airflow', [hostPortOf(config.airflow.url)]];
    case 'objectstore':
      return ['The object store', [hostPortOf(config.s3.url)]];
  }
}

/**
 * The error for a component that does not answer: where it was looked for and, when an option or
 * a `DATAPARK_*` variable moved that address away from the platform's, which one and where the
 * platform is, with "unset it" as the fix rather than "start the platform".
 */
function unreachableError(
  config: DataparkConfig,
  component: Component,
  cause?: unknown,
): ComponentUnreachableError {
  const [name, hostPorts] = addresses(config, component);
  const origin = endpointOrigin(config, ENDPOINT[component]);
  return new ComponentUnreachableError(name, hostPorts.join(','), origin.fix ?? PLATFORM_UP, {
    cause,
    override: origin.note,
  });
}

/**
 * Fails fast, before any client starts retrying for a minute, when a component the command needs
 * does not accept connections: one {@link ComponentUnreachableError} naming the first missing
 * one, its address and the fix. Kafka counts as reachable when any broker is.
 */
export async function requireComponents(
  config: DataparkConfig,
  components: readonly Component[],
): Promise<void> {
  for (const component of components) {
    const [, hostPorts] = addresses(config, component);
    const answers = await Promise.all(hostPorts.map((hp) => probeTcp(hp)));
    if (!answers.some(Boolean)) throw unreachableError(config, component);
  }
}

/** The same error for a component that went away mid-command. */
export function unreachable(
  config: DataparkConfig,
  component: Component,
  cause: unknown,
): ComponentUnreachableError {
  return unreachableError(config, component, cause);
}
