import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { statePointerFile } from '@datapark/config';
import { asLab, config, runScript } from './fixtures.js';

const db = asLab();
afterAll(() => db.end());

const TABLE = 'lab.first_pipeline_orders';

async function rowsInTable(): Promise<number> {
  const { rows } = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    TABLE,
  ]);
  if (!rows[0]?.t) return 0;
  const count = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${TABLE}`);
  return count.rows[0]!.n;
}

/** A user of its own (HOME, XDG_STATE_HOME) in a directory outside any checkout. */
function outsider() {
  const home = mkdtempSync(join(tmpdir(), 'datapark-lab-outsider-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: home };
  return { home, env, pointer: statePointerFile(env) };
}

describe('lab/scripts/first-pipeline.ts', () => {
  it('produces to its own topic, consumes the records back and lands them in lab as the lab role', async () => {
    const before = await rowsInTable();
    const run = await runScript('first-pipeline.ts', ['--events', '7']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^topic lab\.first-pipeline: (created|already there)$/m);
    expect(run.stdout).toContain('produced 7 order_placed events to lab.first-pipeline\n');
    expect(run.stdout).toContain('consumed 7 events from lab.first-pipeline\n');
    expect(run.stdout).toMatch(
      /^inserted 7 rows into lab\.first_pipeline_orders, which now holds \d+$/m,
    );
    expect(await rowsInTable()).toBe(before + 7);

    const { rows } = await db.query<{ owner: string; distinct_offsets: number; n: number }>(`
      SELECT (SELECT tableowner FROM pg_tables WHERE schemaname = 'lab' AND tablename = 'first_pipeline_orders') AS owner,
             count(DISTINCT (kafka_partition, kafka_offset))::int AS distinct_offsets, count(*)::int AS n
        FROM lab.first_pipeline_orders`);
    expect(rows[0]).toEqual({ owner: 'lab', distinct_offsets: rows[0]!.n, n: before + 7 });

    // Again: the topic and the table are there already, 3 more rows land.
    const again = await runScript('first-pipeline.ts', ['--events', '3']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('topic lab.first-pipeline: already there\n');
    expect(await rowsInTable()).toBe(before + 10);
  });

  it('run from outside any checkout, finds the platform through the pointer up writes', async () => {
    const user = outsider();
    mkdirSync(dirname(user.pointer), { recursive: true });
    writeFileSync(user.pointer, `${config.stateDir}\n`);
    const run = await runScript('first-pipeline.ts', ['--events', '2'], {
      cwd: user.home,
      env: user.env,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('consumed 2 events from lab.first-pipeline\n');
  });

  it('run from outside any checkout with no pointer, fails at once naming DATAPARK_STATE_DIR', async () => {
    const user = outsider();
    const run = await runScript('first-pipeline.ts', [], { cwd: user.home, env: user.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(''); // nothing was produced
    expect(run.stderr).toContain('postgres.roles.lab.password = <missing>');
    expect(run.stderr).toContain(
      'set DATAPARK_STATE_DIR to its state directory (export DATAPARK_STATE_DIR=/path/to/checkout/.datapark)',
    );
    expect(run.stderr).toContain(user.pointer);
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
