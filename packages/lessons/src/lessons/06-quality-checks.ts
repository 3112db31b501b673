import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Pool } from '@datapark/db';
import { withLabPool } from '../lab-tables.js';
import type { CheckItem, Lesson } from '../lesson.js';

const SLUG = '06-quality-checks';
const FILE = `${SLUG}.sql`;
const PAGE = `docs/lessons/${SLUG}.md`;

export const qualityChecksNames = (suffix: string) => ({
  table: `lab.lesson06_orders${suffix}`,
  duplicates: `lab.lesson06_duplicate_orders${suffix}`,
  negative: `lab.lesson06_negative_totals${suffix}`,
  status: `lab.lesson06_unknown_status${suffix}`,
});

type Names = ReturnType<typeof qualityChecksNames>;

/**
 * A defect the checker puts into the table, inside a transaction it rolls back: which of the
 * learner's checks must catch it, and the change that makes it. `$1` is a clean row's order_id.
 */
interface Defect {
  readonly check: keyof Omit<Names, 'table'>;
  readonly what: string;
  readonly inject: (table: string) => string;
}

const DEFECTS: readonly Defect[] = [
  {
    check: 'duplicates',
    what: 'an order loaded twice (a second row with the same order_id)',
    inject: (t) => `INSERT INTO ${t} SELECT * FROM ${t} WHERE order_id = $1`,
  },
  {
    check: 'negative',
    what: 'an order whose total_amount is negative',
    inject: (t) => `UPDATE ${t} SET total_amount = -1 - total_amount WHERE order_id = $1`,
  },
  {
    check: 'status',
    what: "an order whose status is not one the shop uses ('teleported')",
    inject: (t) => `UPDATE ${t} SET status = 'teleported' WHERE order_id = $1`,
  },
];

/**
 * The table the checks judge: one day of the shop's orders, copied (status as text, so a wrong
 * one can be put in; no constraints, so a duplicate can). Its views go with it (CASCADE):
 * `check` runs the learner's file again after.
 */
async function copyOrders(pool: Pool, table: string, day: string): Promise<number> {
  await pool.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
  const { rowCount } = await pool.query(
    `CREATE TABLE ${table} AS
       SELECT order_id, customer_id, status::text AS status, currency, total_amount, placed_at
         FROM source.orders
        WHERE placed_at >= $1::date AT TIME ZONE 'UTC' AND placed_at < ($1::date + 1) AT TIME ZONE 'UTC'`,
    [day],
  );
  return rowCount ?? 0;
}

/** The rows a check (a view) returns, each row's order_id; a string when it cannot be read. */
async function rowsOf(pool: Pick<Pool, 'query'>, view: string): Promise<string[] | string> {
  try {
    const { rows } = await pool.query<{ order_id: string }>(
      `SELECT order_id::text AS order_id FROM ${view}`,
    );
    return rows.map((r) => r.order_id);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '42P01') return `${view} does not exist`;
    if (code === '42703') return `${view} has no column order_id: return the offending rows`;
    return `${view} fails: ${(error as Error).message}`;
  }
}

/** One defect injected (and rolled back): did its check return that order, and only it? */
async function catches(
  pool: Pool,
  names: Names,
  defect: Defect,
  orderId: string,
): Promise<CheckItem> {
  const view = names[defect.check];
  const name = `${view} catches ${defect.what}`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(defect.inject(names.table), [orderId]);
    const seen = await rowsOf(client, view);
    if (typeof seen === 'string')
      return { name, passed: false, detail: seen, pointer: `${PAGE}, step 2` };
    const others = seen.filter((id) => id !== orderId);
    const caught = seen.includes(orderId);
    return caught && others.length === 0
      ? { name, passed: true, detail: `it returned order ${orderId}, and nothing else` }
      : {
          name,
          passed: false,
          detail: caught
            ? `it returned order ${orderId}, and ${others.length} other row(s) besides`
            : `with the defect in order ${orderId}, it returned ${seen.length ? `${seen.length} other row(s)` : 'no row'}`,
          pointer: caught
            ? 'a check returns the offending rows only: the others are fine orders'
            : `what makes this order wrong? (the page: "${defect.check === 'duplicates' ? 'Unique' : defect.check === 'negative' ? 'Valid amounts' : 'Known statuses'}")`,
        };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

export const qualityChecks: Lesson = {
  number: 6,
  slug: SLUG,
  script: FILE,
  title: 'Data-quality checks that catch the defects the checker injects',
  hints: [
    'A check is a query that returns the offending rows: none on good data. Each of yours is a view over lab.lesson06_orders, returning at least its order_id.',
    'Duplicates: the order_ids that occur more than once (GROUP BY … HAVING count(*) > 1), and the rows that have them.',
    'Known statuses: the shop’s six (placed, paid, shipped, delivered, cancelled, refunded); a NULL is not one of them either.',
    'The checker runs your file itself, after copying the table afresh: CREATE OR REPLACE VIEW, so that it can run again.',
  ],

  async start(context) {
    const { table } = qualityChecksNames(context.suffix);
    return withLabPool(context, async (pool) => {
      const { rows } = await pool.query<{ day: string }>(
        `SELECT max((placed_at AT TIME ZONE 'UTC')::date)::text AS day FROM source.orders
          WHERE placed_at < (now() AT TIME ZONE 'UTC')::date AT TIME ZONE 'UTC'`,
      );
      const day = rows[0]?.day ?? new Date().toISOString().slice(0, 10);
      const copied = await copyOrders(pool, table, day);
      context.log(`${table}: ${copied} orders of ${day} copied from source.orders`);
      return { day };
    });
  },

  async check(context, started) {
    const names = qualityChecksNames(context.suffix);
    const script = join(context.scriptsDir, FILE);
    const shown = relative(context.root, script);
    if (!existsSync(script))
      return [
        {
          name: `your checks ${shown}`,
          passed: false,
          detail: `${shown} does not exist`,
          pointer: '`datapark lesson start 6` copies the starter there',
        },
      ];
    return withLabPool(context, async (pool) => {
      await copyOrders(pool, names.table, String(started['day']));
      const items: CheckItem[] = [];
      try {
        // The names as the learner wrote them, given a test's suffix.
        let sql = readFileSync(script, 'utf8');
        if (context.suffix)
          for (const n of Object.values(qualityChecksNames('')).map((q) => q.split('.')[1]!))
            sql = sql.replace(new RegExp(`\\b${n}\\b`, 'g'), `${n}${context.suffix}`);
        await pool.query(sql);
        items.push({
          name: `${shown} runs as the lab role`,
          passed: true,
          detail: 'its views created',
        });
      } catch (error) {
        items.push({
          name: `${shown} runs as the lab role`,
          passed: false,
          detail: (error as Error).message,
          pointer: `try it: psql, or node lab/scripts/query.ts "$(cat ${shown})"`,
        });
        return items;
      }
      for (const view of [names.duplicates, names.negative, names.status]) {
        const seen = await rowsOf(pool, view);
        const clean = Array.isArray(seen) && seen.length === 0;
        items.push({
          name: `${view} passes on the clean copy`,
          passed: clean,
          detail:
            typeof seen === 'string'
              ? seen
              : clean
                ? 'no row'
                : `${seen.length} row(s), e.g. order ${seen[0]}`,
          ...(clean
            ? {}
            : {
                pointer:
                  typeof seen === 'string'
                    ? `${PAGE}, step 2: the view's name and its order_id column`
                    : 'these are the shop’s own orders, copied as they are: a check that fails on good data is noise. Which rule is it too strict about?',
              }),
        });
      }
      if (!items.every((i) => i.passed)) return items;
      const { rows } = await pool.query<{ order_id: string }>(
        `SELECT order_id::text AS order_id FROM ${names.table} ORDER BY order_id LIMIT 1`,
      );
      const victim = rows[0]?.order_id;
      if (!victim) {
        items.push({
          name: 'a day of orders to inject defects into',
          passed: false,
          detail: `${names.table} is empty: source.orders had no order on ${String(started['day'])}`,
          pointer:
            'the shop needs a day of history: `npm run demo`, then `datapark lesson start 6` again',
        });
        return items;
      }
      for (const defect of DEFECTS) items.push(await catches(pool, names, defect, victim));
      return items;
    });
  },

  async reset(context) {
    const { table } = qualityChecksNames(context.suffix);
    // CASCADE: the learner's views over it go too.
    await withLabPool(context, (pool) => pool.query(`DROP TABLE IF EXISTS ${table} CASCADE`));
  },
};
