import { readFileSync, writeFileSync } from 'node:fs';
import {
  checkLesson,
  findLesson,
  qualityChecksNames,
  readProgress,
  resetLesson,
  startLesson,
} from '@datapark/lessons';
import { tableExists, withLabPool } from '../src/lab-tables.js';
import { failedItems, itemsText, placeSolution, testContext } from './fixtures.js';

// PostgreSQL only: the checker copies a day of source.orders, runs the learner's SQL and
// injects each defect in a transaction it rolls back.
const lesson = findLesson(6);
const context = testContext();
const names = qualityChecksNames(context.suffix);
afterAll(async () => {
  await resetLesson(context, lesson);
  context.cleanup();
});

describe('lesson 6: data-quality checks that catch injected defects', () => {
  it('the starter passes on good data but catches no defect, and the check says so', async () => {
    const started = await startLesson(context, lesson);
    expect(started.script).toBe(`lab/lessons/.test${context.suffix}/06-quality-checks.sql`);
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const text = itemsText(result.items);
    expect(text).toContain(`✓ ${names.duplicates} passes on the clean copy: no row`);
    const missed = result.items.filter((i) => !i.passed);
    expect(missed.map((i) => i.name)).toEqual([
      `${names.duplicates} catches an order loaded twice (a second row with the same order_id)`,
      `${names.negative} catches an order whose total_amount is negative`,
      `${names.status} catches an order whose status is not one the shop uses ('teleported')`,
    ]);
    expect(missed[0]!.detail).toMatch(/^with the defect in order \S+, it returned no row$/);
    expect(missed[0]!.pointer).toBe('what makes this order wrong? (the page: "Unique")');
  });

  it('passes with the reference checks: clean on the copy, each defect caught alone', async () => {
    placeSolution(context, lesson);
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    expect(result.items).toHaveLength(7);
    expect(readProgress(context.progressFile)[6]?.passedAt).toBeDefined();
  });

  it('a typical mistake, a check that reads source.orders instead of the copy, misses its defect', async () => {
    const script = placeSolution(context, lesson);
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace(
        'SELECT order_id FROM lesson06_orders GROUP BY',
        'SELECT order_id FROM source.orders GROUP BY',
      ),
    );
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    expect(failedItems(result.items)).toMatch(
      new RegExp(
        `^✗ ${names.duplicates} catches an order loaded twice .*: with the defect in order \\S+, it returned no row`,
      ),
    );
  });

  it('a check too strict for good data fails on the clean copy', async () => {
    const script = placeSolution(context, lesson);
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace('total_amount < 0', 'total_amount >= 0'),
    );
    const result = await checkLesson(context, lesson);
    const item = result.items.find((i) => i.name === `${names.negative} passes on the clean copy`)!;
    expect(item.passed).toBe(false);
    expect(item.detail).toMatch(/^\d+ row\(s\), e\.g\. order \S+$/);
    expect(item.pointer).toContain('a check that fails on good data is noise');
  });

  it('reset drops the copy and the views with it', async () => {
    await resetLesson(context, lesson);
    expect(await withLabPool(context, (pool) => tableExists(pool, names.table))).toBe(false);
    expect(await withLabPool(context, (pool) => tableExists(pool, names.status))).toBe(false);
  });
});
