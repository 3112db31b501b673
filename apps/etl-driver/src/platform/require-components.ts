import type { DataparkConfig } from '@datapark/config';
import { ComponentUnreachableError, hostPortOf, probeTcp } from './component-unreachable.js';

/** The command that starts the local platform (or one component of it). */
export const PLATFORM_UP = 'npx nx run platform:up';

export type Component = 'kafka' | 'postgres' | 'spark' | 'airflow';

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
  }
}

/**
 * Fails fast, before any client starts retrying for a minute, when a component the command needs
 * does not accept connections: one {@link ComponentUnreachableError} naming the first missing
 * one, its address and the command that starts it. Kafka counts as reachable when any broker is.
 */
export async function requireComponents(
  config: DataparkConfig,
  components: readonly Component[],
): Promise<void> {
  for (const component of components) {
    const [name, hostPorts] = addresses(config, component);
    const answers = await Promise.all(hostPorts.map((hp) => probeTcp(hp)));
    if (!answers.some(Boolean))
      throw new ComponentUnreachableError(name, hostPorts.join(','), PLATFORM_UP);
  }
}

/** The same error for a component that went away mid-command. */
export function unreachable(
  config: DataparkConfig,
  component: Component,
  cause: unknown,
): ComponentUnreachableError {
  const [name, hostPorts] = addresses(config, component);
  return new ComponentUnreachableError(name, hostPorts.join(','), PLATFORM_UP, { cause });
}
