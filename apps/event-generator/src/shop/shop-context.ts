import type { EventOf, TopicName } from '@datapark/events';
import type { SeededRandom } from '../seeded-random.js';
import type { SimulationConfig } from '../simulation-config.js';
import type { Action } from './model.js';

/** What every part of the shop shares: the seeded dice, the config, the outbox and the clock. */
export interface ShopContext {
  readonly rng: SeededRandom;
  readonly config: SimulationConfig;
  emit<T extends TopicName>(
    topic: T,
    eventType: EventOf<T>['event_type'],
    payload: EventOf<T>['payload'],
  ): void;
  /** Schedules `action` `after` simulated seconds from now. */
  later(after: number, action: Action): void;
}
