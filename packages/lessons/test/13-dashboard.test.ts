import { readFileSync, writeFileSync } from 'node:fs';
import {
  checkLesson,
  dashboardNames,
  findLesson,
  readProgress,
  resetLesson,
  startLesson,
  supersetLogin,
} from '@datapark/lessons';
import { runLearnerScript } from '../src/run-learner-script.js';
import { equalsFilter } from '../src/superset-api.js';
import { failedItems, itemsText, placeSolution, placeStarter, testContext } from './fixtures.js';

// The platform's Superset (its REST API, as the admin of the endpoints file) and its dataset
// daily_sales over processed.daily_sales (npm test's test data gives processed days), and
// PostgreSQL as the analyst role for the checker's own reading of processed.daily_sales.
const lesson = findLesson(13);
const context = testContext();
const names = dashboardNames(context.suffix);
afterAll(async () => {
  await resetLesson(context, lesson);
  context.cleanup();
});

async function runScript(script: string): Promise<string> {
  const p = runLearnerScript(script, context.root, context.suffix);
  const code = await p.exited;
  if (code !== 0) throw new Error(`${script} exited ${code}:\n${p.output()}`);
  return p.output();
}

/** How many charts of the test's name and dashboards of its slug Superset holds. */
async function countOwn(): Promise<{ charts: number; dashboards: number }> {
  const api = await supersetLogin(context.config);
  const count = async (resource: string, col: string, value: string) =>
    (await api.request('GET', `/api/v1/${resource}/${equalsFilter(col, value)}`)).body[
      'count'
    ] as number;
  return {
    charts: await count('chart', 'slice_name', names.chart),
    dashboards: await count('dashboard', 'slug', names.slug),
  };
}

describe('lesson 13: a Superset chart and dashboard made through the REST API', () => {
  it('start finds the dataset; the untouched starter runs but makes nothing, and the check says so', async () => {
    const lines: string[] = [];
    await startLesson({ ...context, log: (l) => lines.push(l) }, lesson);
    expect(lines.join('\n')).toContain('Superset is up; the dataset daily_sales is there.');
    expect(readProgress(context.progressFile)[13]?.started).toMatchObject({
      dataset: expect.any(Number),
    });

    const output = await runScript(placeStarter(context, lesson, dashboardNames('')));
    expect(output).toContain('datasets named daily_sales: 1');
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    expect(result.items).toEqual([
      {
        name: `a chart named "${names.chart}" on the dataset daily_sales`,
        passed: false,
        detail: 'Superset has no chart of that name',
        pointer:
          'docs/lessons/13-dashboard.md, "Steps": run your script (node lab/lessons/13-dashboard.ts); POST /api/v1/chart/ creates the chart',
      },
    ]);
  });

  it('a typical mistake, a chart without its query_context, fails naming it', async () => {
    const script = placeSolution(context, lesson);
    const text = readFileSync(script, 'utf8');
    const mistaken = text.replace('  query_context: JSON.stringify(queryContext),\n', '');
    expect(mistaken).not.toBe(text);
    writeFileSync(script, mistaken);
    await runScript(script);
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const failed = result.items.filter((i) => !i.passed);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail).toMatch(/^HTTP 400: .*query context/i);
    expect(failed[0]!.pointer).toMatch(/^save a query_context: /);
    // The chart and the dashboard are right: only the saved query is missing.
    expect(itemsText(result.items)).toMatch(/✓ a dashboard with slug .* that holds the chart/);
  });

  it('passes with the reference, and a rerun updates the chart rather than adding one', async () => {
    const script = placeSolution(context, lesson);
    expect(await runScript(script)).toMatch(
      /chart \d+ "Lab: orders per day_t[0-9a-f]+" on dashboard \d+/,
    );
    await runScript(script);
    expect(await countOwn()).toEqual({ charts: 1, dashboards: 1 });
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    expect(result.items).toHaveLength(4);
    expect(itemsText(result.items)).toMatch(
      /✓ Lab: orders per day_t[0-9a-f]+: orders per day, as processed\.daily_sales holds them: Orders agrees with processed\.daily_sales on all \d+ days both hold/,
    );
    expect(readProgress(context.progressFile)[13]?.passedAt).toBeDefined();
  });

  it('reset deletes the chart and the dashboard', async () => {
    await resetLesson(context, lesson);
    expect(await countOwn()).toEqual({ charts: 0, dashboards: 0 });
    expect(readProgress(context.progressFile)[13]).toBeUndefined();
  });
});
