import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataparkConfig } from '@datapark/config';
import { sampleEvents } from '@datapark/events';
import type { KafkaConnection } from '@datapark/kafka';
import { UncheckedProducer } from '@datapark/kafka';
import type { LocalPlatform } from '@datapark/platform-local';
import { airflowHealth, unhealthyParts } from '@datapark/platform-local';
import type { LoadProcess } from './load-processes.js';
import type { ProcessedReconciliation } from './reconcile-processed.js';
import { sparkWorkerDrill } from './spark-worker-drill.js';
import { EtlError } from '../etl-error.js';

/** What a drill may touch: the platform's units, the running ingest, Kafka. */
export interface DrillContext {
  readonly config: DataparkConfig;
  readonly platform: LocalPlatform;
  readonly connection: KafkaConnection;
  /** How long a fault lasts. */
  readonly faultMs: number;
  ingest(): LoadProcess;
  restartIngest(): void;
}

/** One failure: what it breaks, and how the platform gets back. */
export interface Drill {
  readonly name: string;
  readonly description: string;
  /** Breaks something and keeps it broken for `faultMs`. */
  inject(ctx: DrillContext): Promise<void>;
  /** Puts it back; resolves once the component says it is up. */
  recover(ctx: DrillContext): Promise<void>;
  /** Records the drill itself sends that must end in a DLQ. */
  readonly deadLettersExpected?: number;
  /** After recovery: `source` against what the drill's batch wrote to `processed`. */
  verify?(ctx: DrillContext): Promise<ProcessedReconciliation>;
}

const POISON = 6;

/** Stops a unit of the local platform for the fault's length. */
const stopUnit = (unit: string) => async (ctx: DrillContext) => {
  await ctx.platform.stop(unit);
  await sleep(ctx.faultMs);
};

export const DRILLS: readonly Drill[] = [
  {
    name: 'broker',
    description: 'stop one of the three Kafka brokers (kafka-2) while producing and ingesting',
    inject: stopUnit('kafka-2'),
    recover: (ctx) => ctx.platform.start('kafka-2'),
  },
  {
    name: 'postgres',
    description: 'stop PostgreSQL mid-ingest, then start it again',
    inject: stopUnit('postgres'),
    recover: (ctx) => ctx.platform.start('postgres'),
  },
  {
    name: 'ingest-kill',
    description: 'SIGKILL the ingest process mid-batch, then start it again',
    async inject(ctx) {
      await ctx.ingest().kill();
      await sleep(ctx.faultMs);
    },
    async recover(ctx) {
      ctx.restartIngest();
    },
  },
  sparkWorkerDrill(),
  {
    name: 'airflow-scheduler',
    description: "stop Airflow's scheduler, then start it again",
    inject: stopUnit('airflow-scheduler'),
    async recover(ctx) {
      await ctx.platform.start('airflow-scheduler');
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(500)) {
        const health = await airflowHealth(ctx.config.airflow.url).catch(() => undefined);
        if (health && unhealthyParts(health).length === 0) return;
      }
      throw new EtlError('Airflow did not report every part healthy within 120 s', {
        code: 'AIRFLOW_UNHEALTHY',
        hint: 'npx nx run platform:logs -- airflow',
      });
    },
  },
  {
    name: 'poison',
    description: `send ${POISON} poison records (not JSON, wrong schema, an unknown schema version, refused by PostgreSQL) to order-events`,
    deadLettersExpected: POISON,
    async inject(ctx) {
      // Idempotent: a retry after a leader moved (the broker drill came before) cannot write
      // a poison record twice and so break the count.
      const producer = await UncheckedProducer.connect(ctx.connection);
      const order = () => sampleEvents.order();
      const values = [
        '{"not json',
        JSON.stringify({ ...order(), payload: { unexpected: true } }),
        JSON.stringify({ ...order(), event_type: 'order_teleported' }),
        JSON.stringify({ ...order(), producer: 'drill\u0000' }),
        JSON.stringify({ ...order(), schema_version: 3_000_000_000 }),
        JSON.stringify({ ...order(), occurred_at: '0000-01-01T00:00:00Z' }),
      ];
      try {
        await producer.send(
          'order-events',
          values.map((value) => ({ key: randomUUID(), value })),
        );
      } finally {
        await producer.disconnect();
      }
      await sleep(ctx.faultMs);
    },
    async recover() {
      // Nothing to put back: ingest must have gone on by itself.
    },
  },
];

/** The drills named in `names` (all when empty), in the order above. */
export function selectDrills(names: readonly string[]): Drill[] {
  if (names.length === 0) return [...DRILLS];
  const unknown = names.filter((n) => !DRILLS.some((d) => d.name === n));
  if (unknown.length > 0)
    throw new EtlError(
      `--only: unknown drill ${unknown.join(', ')}; expected some of ${DRILLS.map((d) => d.name).join(', ')}`,
      { code: 'USAGE', hint: 'datapark-etl drill --help' },
    );
  return DRILLS.filter((d) => names.includes(d.name));
}
