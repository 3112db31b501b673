import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import { SparkRestClient, SparkTimeoutError } from '@datapark/spark-client';

const config = loadConfig();
const spark = SparkRestClient.fromConfig(config);
const JOB = join(import.meta.dirname, '..', 'jobs', 'lake_maintenance.py');

interface TableResult {
  readonly snapshots_before: number;
  readonly snapshots_after: number;
  readonly rewrite_data_files: { readonly rewritten_data_files_count: number };
  readonly expire_snapshots: { readonly deleted_data_files_count: number };
  readonly orphan_files_removed: number;
}

describe('the lake maintenance job on the real cluster, catalog and object store', () => {
  it('compacts every lake table and expires its snapshots down to the last one kept', async () => {
    const started = Date.now();
    const submissionId = await spark.create(
      spark.pythonRequest({
        file: JOB,
        name: 'lake-maintenance-test',
        // Everything before now expires but the last snapshot; orphans keep the 24-hour floor.
        args: ['--retain-last', '1', '--expire-older-than', new Date().toISOString()],
        env: { DATAPARK_STATE_DIR: config.stateDir },
      }),
    );
    try {
      await spark.waitFor(submissionId, { timeoutMs: 900_000 });
    } catch (error) {
      // One Spark app at a time on a shared cluster: a driver that outlived the test goes.
      if (error instanceof SparkTimeoutError) await spark.kill(submissionId);
      throw error;
    }
    console.info(`lake_maintenance: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const { stdout } = (await spark.driverOutput(submissionId))!;
    const line = stdout.split('\n').find((l) => l.startsWith('lake_maintenance {'));
    expect(line).toBeDefined();
    const results = JSON.parse(line!.slice('lake_maintenance '.length)) as Record<
      string,
      TableResult
    >;
    expect(Object.keys(results).sort()).toEqual([
      'lake.bronze.order_events',
      'lake.gold.daily_sales',
      'lake.silver.order_items',
      'lake.silver.orders',
    ]);
    for (const [table, result] of Object.entries(results)) {
      expect([table, result.snapshots_after]).toEqual([table, 1]);
      expect(result.snapshots_before).toBeGreaterThanOrEqual(1);
      expect(result.rewrite_data_files.rewritten_data_files_count).toBeGreaterThanOrEqual(0);
      expect(result.expire_snapshots.deleted_data_files_count).toBeGreaterThanOrEqual(0);
    }
  }, 1_000_000);
});
