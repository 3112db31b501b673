import type { AnswerRow, Reference } from '../src/lessons/11-lakehouse-answer.js';
import { compareAnswer, money } from '../src/lessons/11-lakehouse-answer.js';

// The checker's comparison of lesson 11, without a platform: the learner's three rows against
// what the checker read from the lake (at the snapshots they name) and from processed.
const TABLE = 'lab.lesson11_lake_answer';
const snapshot = (n: number) => ({
  sequence_number: String(n),
  snapshot_id: String(7_000_000_000_000_000_000n + BigInt(n)),
  timestamp_ms: `2026-12-0${n} 10:00:00.000`,
  manifest_list: `s3://lake/warehouse/gold/daily_sales/metadata/snap-${n}.avro`,
});
const snapshots = [snapshot(1), snapshot(2), snapshot(3)];
const id = (n: number) => snapshots[n - 1]!.snapshot_id;
const reference: Reference = {
  snapshots,
  day: '2026-12-04',
  lake: { orders_count: 212, revenue: '10234.50' },
  lakeBefore: { orders_count: 198, revenue: '9800.00' },
  processed: { orders_count: 212, revenue: '10234.50' },
};
const row = (
  source: string,
  snapshot_id: string | null,
  orders_count: string,
  revenue: string,
  sales_date = '2026-12-04',
): AnswerRow => ({ source, sales_date, snapshot_id, orders_count, revenue });
const right = () => [
  row('lake', id(3), '212', '10234.50'),
  row('lake_before', id(2), '198', '9800.00'),
  row('processed', null, '212', '10234.5'),
];
const failed = (items: ReturnType<typeof compareAnswer>) => items.filter((i) => !i.passed);

describe('lesson 11: the answer against the reference', () => {
  it('passes the right rows, naming the snapshots and whether the two sides agree', () => {
    const items = compareAnswer(TABLE, right(), reference);
    expect(failed(items)).toEqual([]);
    expect(items.map((i) => `${i.name}: ${i.detail}`)).toEqual([
      'the day: the newest that the lake and processed both hold: 2026-12-04',
      `lake: 2026-12-04 in lake.gold.daily_sales: snapshot ${id(3)}, the 3rd of 3`,
      `lake_before: the same day one snapshot earlier (time travel): snapshot ${id(2)}`,
      'processed: 2026-12-04 in processed.daily_sales: the lake and PostgreSQL agree on the day',
    ]);
  });

  it('a day missing from the older snapshot is 0 orders and 0.00, and the lake differing from processed is said', () => {
    const rows = right();
    rows[1] = row('lake_before', id(2), '0', '0');
    rows[2] = row('processed', null, '213', '10240.00');
    const items = compareAnswer(TABLE, rows, {
      ...reference,
      lakeBefore: undefined,
      processed: { orders_count: 213, revenue: '10240.00' },
    });
    expect(failed(items)).toEqual([]);
    expect(items[2]!.detail).toBe(`snapshot ${id(2)} (2026-12-04 not in it yet)`);
    expect(items[3]!.detail).toMatch(/^the lake and PostgreSQL differ on the day/);
  });

  it('the typical mistake, the latest snapshot read twice, is named without the right id', () => {
    const rows = right();
    rows[1] = row('lake_before', id(3), '212', '10234.50');
    const [item, ...rest] = failed(compareAnswer(TABLE, rows, reference));
    expect(rest).toEqual([]);
    expect(item).toEqual({
      name: 'lake_before: the same day one snapshot earlier (time travel)',
      passed: false,
      detail: `it reads snapshot ${id(3)}, the one your lake row reads`,
      pointer:
        "lake.snapshots('gold.daily_sales') lists them oldest first, by sequence_number: the one before the latest, read with lake.tableAt()",
    });
    expect(JSON.stringify(item)).not.toContain(id(2));
  });

  it('the first snapshot instead of the one before the latest: which one it is, not which to take', () => {
    const rows = right();
    rows[1] = row('lake_before', id(1), '150', '7000.00');
    const [item] = failed(compareAnswer(TABLE, rows, reference));
    expect(item!.detail).toBe('it reads the 1st snapshot of 3; your lake row reads the 3rd');
  });

  it('the older snapshot read through the view (no time travel): the figures differ, the pointer says why', () => {
    const rows = right();
    rows[1] = row('lake_before', id(2), '212', '10234.50');
    const [item, ...rest] = failed(compareAnswer(TABLE, rows, reference));
    expect(rest).toEqual([]);
    expect(item!.detail).toBe(
      `at snapshot ${id(2)}: orders_count 212, not what that side holds; revenue 10234.50, not what that side holds`,
    );
    expect(item!.pointer).toContain('lake.tableAt(table, snapshot_id)');
  });

  it('a wrong day, a missing row, an unknown snapshot: each stops the comparison with what to look at', () => {
    const wrongDay = right().map((r) => ({ ...r, sales_date: '2026-12-03' }));
    expect(failed(compareAnswer(TABLE, wrongDay, reference))).toEqual([
      expect.objectContaining({
        detail: 'yours is 2026-12-03',
        pointer: expect.stringContaining('the newest day in both'),
      }),
    ]);
    expect(failed(compareAnswer(TABLE, right().slice(0, 2), reference))).toEqual([
      expect.objectContaining({ detail: 'no row for processed' }),
    ]);
    const unknown = right();
    unknown[0] = row('lake', '42', '212', '10234.50');
    expect(failed(compareAnswer(TABLE, unknown, reference))[0]!.detail).toBe(
      "42 is not one of the table's 3 snapshots",
    );
    const first = right();
    first[0] = row('lake', id(1), '150', '7000.00');
    expect(
      failed(
        compareAnswer(TABLE, first, {
          ...reference,
          lake: { orders_count: 150, revenue: '7000.00' },
        }),
      ),
    ).toEqual([expect.objectContaining({ detail: expect.stringContaining('none before it') })]);
  });

  it('money compares at two decimals, as text', () => {
    expect(money('10234.5')).toBe('10234.50');
    expect(money(null)).toBeUndefined();
    expect(money('abc')).toBeUndefined();
  });
});
