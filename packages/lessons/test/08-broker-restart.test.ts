import { readFileSync, writeFileSync } from 'node:fs';
import {
  brokerRestartNames,
  checkLesson,
  findLesson,
  readProgress,
  resetLesson,
  startLesson,
} from '@datapark/lessons';
import { tableExists, withLabPool } from '../src/lab-tables.js';
import { runLearnerScript, stopLearnerScript } from '../src/run-learner-script.js';
import { failedItems, itemsText, placeSolution, placeStarter, testContext } from './fixtures.js';

// The reference solution STOPS A SHARED BROKER (kafka-2, through `datapark stop`, as the learner
// does in a second terminal) for 30 s of its minute of producing, and starts it again whatever
// happens: it needs the platform to itself, as the failure drills do. Prometheus (monitoring)
// must be up: the checker asks it whether a broker was down during the run.
const lesson = findLesson(8);
const context = testContext();
const names = brokerRestartNames(context.suffix);
afterAll(async () => {
  await resetLesson(context, lesson);
  context.cleanup();
});

/** Runs the learner's script to its end (at most 5 minutes): its exit and its output. */
async function run(script: string) {
  const running = runLearnerScript(script, context.root, context.suffix);
  const timer = setTimeout(() => void stopLearnerScript(running, 10_000), 300_000);
  try {
    return { exit: await running.exited, output: running.output() };
  } finally {
    clearTimeout(timer);
  }
}

describe('lesson 8: produce through a broker restart, nothing lost or doubled', () => {
  it('the untouched starter stops at its TODO, and the check says the run is not recorded', async () => {
    await startLesson(context, lesson);
    const script = placeStarter(context, lesson, brokerRestartNames(''));
    const { exit, output } = await run(script);
    expect(exit).toBe(1);
    expect(output).toContain('lesson 8: sending is not written yet (TODO 2)');
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    expect(result.items).toEqual([
      {
        name: 'your script recorded a run',
        passed: false,
        detail: `${names.runs} does not exist: your script records each run there`,
        pointer:
          'docs/lessons/08-broker-restart.md, step 3: run your script (node lab/lessons/08-broker-restart.ts); it records what it sent and found',
      },
    ]);
  });

  it('a typical mistake, a plain producer with acks=1, fails: its batches carry no producer id', async () => {
    const script = placeSolution(context, lesson, brokerRestartNames(''));
    const plain = readFileSync(script, 'utf8')
      .replace("const STOP_BROKER = 'kafka-2';", "const STOP_BROKER = '';")
      .replace(
        'import { connectionFromConfig, EventProducer,',
        'import { connectionFromConfig, createKafka, EventProducer,',
      )
      .replace(
        'const events = await EventProducer.connect(connection);',
        `const plain = createKafka(connection).producer({ idempotent: false });
await plain.connect();
const events = {
  send: (topic: string, batch: EventOf<'clickstream'>[]) =>
    plain.send({
      topic,
      acks: 1,
      messages: batch.map((e) => ({ key: e.payload.session_id, value: JSON.stringify(e) })),
    }),
  disconnect: () => plain.disconnect(),
};`,
      );
    expect(plain).toContain('acks: 1');
    writeFileSync(script, plain);
    const { exit, output } = await run(script);
    expect({ exit, output }).toMatchObject({ exit: 0 });
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const item = result.items.find(
      (i) => i.name === 'written by an idempotent producer (acks=all)',
    );
    expect(item).toMatchObject({ passed: false });
    expect(item!.detail).toMatch(
      /^\d+ of the run's \d+ records came in batches without a producer id: a producer that is not idempotent$/,
    );
    expect(item!.pointer).toContain('EventProducer (@datapark/kafka) is idempotent with acks=all');
  }, 600_000);

  it('passes with the reference: kafka-2 stopped and started mid-run, every event once, counts proved from the topic', async () => {
    const script = placeSolution(context, lesson, brokerRestartNames(''));
    const { exit, output } = await run(script);
    expect({ exit, output }).toMatchObject({ exit: 0 });
    expect(output).toContain('stopping kafka-2');
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    const text = itemsText(result.items);
    expect(text).toContain('3000 records, 3000 distinct pages: none lost, none doubled');
    expect(text).toMatch(
      /Prometheus saw kafka-2 down \(up == 0\) between the run's first and last event/,
    );
    expect(text).toContain('✓ every broker is back: brokers in the cluster: 1, 2, 3 (of 3)');
    expect(readProgress(context.progressFile)[8]?.passedAt).toBeDefined();
  }, 600_000);

  it('reset drops the runs table', async () => {
    await resetLesson(context, lesson);
    expect(await withLabPool(context, (pool) => tableExists(pool, names.runs))).toBe(false);
  });
});
