/**
 * Your first pipeline, in one script: produce events to a Kafka topic of your own, consume them
 * back, and land them in a table of your own in the `lab` schema, as the `lab` role.
 *
 *   npx nx run lab:run -- scripts/first-pipeline.ts     # builds the SDKs first, then runs it
 *   node lab/scripts/first-pipeline.ts --events 50      # Node 24 runs TypeScript as it is
 *
 * docs/first-pipeline.md walks through it. Copy it to a name of your own to change it: git
 * ignores everything in lab/ but these examples.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DataparkError, loadConfig } from '@datapark/config';
import { createDb } from '@datapark/db';
import { sampleEvents, TOPIC_CATALOG } from '@datapark/events';
import {
  connectionFromConfig,
  createKafka,
  readRange,
  topicEndOffsets,
  UncheckedProducer,
} from '@datapark/kafka';

const TOPIC = 'lab.first-pipeline';
const TABLE = 'lab.first_pipeline_orders';

/** Your table's columns, for Kysely: what a select gives and an insert takes. */
type LabTables = {
  'lab.first_pipeline_orders': {
    order_id: string;
    customer_id: string;
    total_amount: string;
    items: number;
    occurred_at: string;
    kafka_partition: number;
    kafka_offset: string;
  };
};

const { values } = parseArgs({ options: { events: { type: 'string', default: '20' } } });
const count = Number(values.events);
if (!Number.isInteger(count) || count < 1)
  throw new Error(`--events ${values.events}: expected a whole number ≥ 1`);

try {
  await firstPipeline(count);
} catch (error) {
  // Data Park's errors say what failed and how to fix it: show that, not a stack.
  if (!(error instanceof DataparkError)) throw error;
  console.error(error.message);
  // What to do about it, where the error knows (e.g. a new DAG file is parsed within seconds).
  if (error.hint) console.error(error.hint);
  process.exitCode = 1;
}

async function firstPipeline(events: number): Promise<void> {
  // The platform's endpoints and credentials: .datapark/endpoints.json of this checkout.
  const config = loadConfig();
  const kafka = connectionFromConfig(config, 'lab-first-pipeline');
  const db = createDb(config, 'lab').withTables<LabTables>();
  try {
    // 1. A table of your own, as the lab role: it may create tables in lab (and only read the
    //    shop's schemas). IF NOT EXISTS: the second run finds it there.
    await db.schema
      .createTable(TABLE)
      .ifNotExists()
      .addColumn('order_id', 'uuid', (c) => c.primaryKey())
      .addColumn('customer_id', 'uuid', (c) => c.notNull())
      .addColumn('total_amount', 'numeric(12, 2)', (c) => c.notNull())
      .addColumn('items', 'integer', (c) => c.notNull())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('kafka_partition', 'integer', (c) => c.notNull())
      .addColumn('kafka_offset', 'bigint', (c) => c.notNull())
      .execute();

    // 2. A topic of your own: the shop's topics belong to the event generator. Creating it
    //    again changes nothing.
    const admin = createKafka(kafka).admin();
    await admin.connect();
    if ((await admin.listTopics()).includes(TOPIC)) {
      console.log(`topic ${TOPIC}: already there`);
    } else {
      await admin.createTopics({
        topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }],
        waitForLeaders: true,
      });
      console.log(`topic ${TOPIC}: created`);
    }
    await admin.disconnect();

    // 3. Produce order_placed events, built and validated by @datapark/events, keyed by order
    //    id. EventProducer sends only to the catalog's topics; UncheckedProducer to any topic.
    const before = await topicEndOffsets(kafka, TOPIC);
    const orders = Array.from({ length: events }, () => {
      const quantity = 1 + Math.floor(Math.random() * 3);
      const unitPrice = (5 + Math.floor(Math.random() * 20)).toFixed(2);
      return sampleEvents.order({
        items: [{ line_no: 1, product_id: randomUUID(), quantity, unit_price: unitPrice }],
        total_amount: (quantity * Number(unitPrice)).toFixed(2),
      });
    });
    const producer = await UncheckedProducer.connect(kafka);
    await producer.send(
      TOPIC,
      orders.map((event) => ({ key: event.payload.order_id, value: JSON.stringify(event) })),
    );
    await producer.disconnect();
    console.log(`produced ${orders.length} order_placed events to ${TOPIC}`);

    // 4. Consume what was just produced (from the offsets noted before it to the end), checking
    //    every record against the order-events schema.
    const records = await readRange(kafka, TOPIC, before);
    const rows = records.map(({ partition, message }) => {
      const event = TOPIC_CATALOG['order-events'].schema.parse(JSON.parse(String(message.value)));
      if (event.event_type !== 'order_placed') throw new Error(`unexpected ${event.event_type}`);
      return {
        order_id: event.payload.order_id,
        customer_id: event.payload.customer_id,
        total_amount: event.payload.total_amount,
        items: event.payload.items.length,
        occurred_at: event.occurred_at,
        kafka_partition: partition,
        kafka_offset: message.offset,
      };
    });
    console.log(`consumed ${rows.length} events from ${TOPIC}`);

    // 5. Land them in your table. Keyed by order id: a record read twice lands once.
    const inserted = await db
      .insertInto(TABLE)
      .values(rows)
      .onConflict((oc) => oc.column('order_id').doNothing())
      .executeTakeFirst();
    const { total } = await db
      .selectFrom(TABLE)
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .executeTakeFirstOrThrow();
    console.log(
      `inserted ${inserted.numInsertedOrUpdatedRows} rows into ${TABLE}, which now holds ${total}`,
    );
  } finally {
    await db.destroy();
  }
}
