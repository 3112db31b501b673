import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAKE_CATALOG } from '@datapark/config';
import { createPool, provisionLakeCatalog } from '@datapark/db';
import { config, runScript } from './fixtures.js';

// The lab's lake script as a learner runs it, against the shared platform's catalog and store.
// Without FORCE_COLOR, which nx sets for its tasks: console.table would colour the numbers.
const scriptEnv = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('DATAPARK_') && k !== 'FORCE_COLOR'),
  );

beforeAll(() => provisionLakeCatalog(config)); // idempotent: what `up` runs

/** The lake's tables as the catalog names them (none before Spark's first lake write). */
async function catalogTables(): Promise<string[]> {
  const pool = createPool(config, LAKE_CATALOG.reader, { max: 1 });
  try {
    const { rows } = await pool.query<{ name: string }>(
      `SELECT 'lake.' || table_namespace || '.' || table_name AS name
         FROM ${LAKE_CATALOG.schema}.iceberg_tables WHERE catalog_name = $1 ORDER BY 1`,
      [LAKE_CATALOG.name],
    );
    return rows.map((r) => r.name);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return [];
    throw error;
  } finally {
    await pool.end();
  }
}

describe('lab/scripts/query-lake.ts', () => {
  it("lists the lake's tables with their rows and snapshots, without a statement", async () => {
    // Spark jobs of other tests may add tables meanwhile: what it lists lies between the
    // catalog before and after the run.
    const before = await catalogTables();
    const run = await runScript('query-lake.ts', [], { env: scriptEnv() });
    const after = await catalogTables();
    expect([run.code, run.stderr]).toEqual([0, '']);
    const listed = run.stdout
      .split('\n')
      .filter((line) => / rows, \d+ snapshots$/.test(line))
      .map((line) => line.split(':')[0]!);
    expect(before.filter((t) => !listed.includes(t))).toEqual([]);
    expect(listed.filter((t) => !after.includes(t))).toEqual([]);
    if (after.length === 0) expect(run.stdout).toContain('The lake has no tables yet');
  });

  it('prints what a statement returns as a table', async () => {
    const before = (await catalogTables()).length;
    const run = await runScript(
      'query-lake.ts',
      [
        "SELECT count(*)::INT AS views FROM duckdb_views() WHERE database_name = 'lake' AND NOT internal",
      ],
      { env: scriptEnv() },
    );
    const after = (await catalogTables()).length;
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/│ views │/);
    // One view per catalog table (other tests' Spark jobs may add tables meanwhile).
    const views = Number(/^│\s*0\s*│\s*'?(\d+)'?\s*│\s*$/m.exec(run.stdout)?.[1]);
    // The whole output beside the count when there is no row to read it from.
    expect({ views: Number.isNaN(views) ? run.stdout : 'a count' }).toEqual({ views: 'a count' });
    expect(views).toBeGreaterThanOrEqual(before);
    expect(views).toBeLessThanOrEqual(after);
  });

  it('names the missing table and the fix, without a stack', async () => {
    const run = await runScript('query-lake.ts', ['SELECT * FROM lake.gold.no_such_table'], {
      env: scriptEnv(),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^✗ no_such_table is not a table of the lake; it holds /);
    expect(run.stderr).toMatch(/\n {2}Fix: .*lake_daily\.py/);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('names the install command when DuckDB has no extensions', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-duckdb-extensions-'));
    try {
      const run = await runScript('query-lake.ts', [], {
        env: { ...scriptEnv(), DATAPARK_DUCKDB_EXTENSION_DIR: empty },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        '✗ DuckDB v1.5.5 (linux_amd64) finds no httpfs.duckdb_extension',
      );
      expect(run.stderr).toContain('Fix: bash tools/ci/duckdb.sh');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
