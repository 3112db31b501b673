import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkLesson,
  dbtModelNames,
  findLesson,
  readProgress,
  resetLesson,
  startLesson,
} from '@datapark/lessons';
import { tableExists, withLabPool } from '../src/lab-tables.js';
import { failedItems, itemsText, placeSolution, testContext } from './fixtures.js';

// dbt (.venv-dbt, tools/ci/dbt.sh) on the platform's PostgreSQL as the lab role: the checker
// builds the learner's model into `lab` under the test's own name and compares it with
// source.orders. The shop needs orders (npm test gives the platform a day of them first).
const lesson = findLesson(10);
const context = testContext();
const names = dbtModelNames(context.suffix);
const dir = join(context.scriptsDir, '10-dbt-model');
afterAll(async () => {
  await resetLesson(context, lesson);
  context.cleanup();
});

/** The reference model and its tests where the learner's go. */
function placeReference(): string {
  const sql = placeSolution(context, lesson);
  copyFileSync(
    join(import.meta.dirname, 'solutions', 'lesson10_customer_orders.yml'),
    join(dir, 'lesson10_customer_orders.yml'),
  );
  return sql;
}

describe('lesson 10: a dbt model with a test, built into the lab schema', () => {
  it('the starter builds but has no test and not the columns, and the check says where each goes', async () => {
    const started = await startLesson(context, lesson);
    expect(started.script).toBe(
      `lab/lessons/.test${context.suffix}/10-dbt-model/lesson10_customer_orders.sql`,
    );
    expect(existsSync(join(dir, 'lesson10_customer_orders.yml'))).toBe(true);
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    expect(result.items[0]).toMatchObject({
      name: 'dbt build --select lesson10_customer_orders: the model builds',
      passed: true,
    });
    expect(result.items[1]).toEqual({
      name: 'lesson10_customer_orders has tests, and they pass',
      passed: false,
      detail: 'dbt ran no test on it',
      pointer:
        'docs/lessons/10-dbt-model.md, step 3: data_tests on a column, in lesson10_customer_orders.yml beside the model',
    });
    expect(result.items[2]!.detail).toMatch(
      new RegExp(`^${names.relation} cannot be read as the page's columns`),
    );
  });

  it('a typical mistake, an extra column in the GROUP BY, is caught by the model’s own unique test', async () => {
    const sql = placeReference();
    writeFileSync(
      sql,
      readFileSync(sql, 'utf8').replace('group by customer_id', 'group by customer_id, status'),
    );
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const tests = result.items.find(
      (i) => i.name === 'lesson10_customer_orders has tests, and they pass',
    )!;
    expect(tests.passed).toBe(false);
    expect(tests.detail).toMatch(/unique_lesson10_customer_orders_customer_id: fail \(\d+ rows\)/);
    expect(tests.pointer).toContain('what else is in your GROUP BY?');
  });

  it('passes with the reference: built as the lab role, tested, the same rows as the reference query', async () => {
    placeReference();
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    expect(itemsText(result.items)).toMatch(
      /: [1-9]\d* customers, each row as the reference query has it$/,
    );
    expect(itemsText(result.items)).toContain('unique_lesson10_customer_orders_customer_id: pass');
    expect(readProgress(context.progressFile)[10]?.passedAt).toBeDefined();
  });

  it('reset drops the relation and moves the model and its tests aside', async () => {
    await resetLesson(context, lesson);
    expect(await withLabPool(context, (pool) => tableExists(pool, names.relation))).toBe(false);
    expect(existsSync(join(dir, 'lesson10_customer_orders.sql.bak'))).toBe(true);
    expect(existsSync(join(dir, 'lesson10_customer_orders.yml.bak'))).toBe(true);
  });
});
