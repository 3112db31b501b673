import type { DrillResult } from '../src/drill/run-drills.js';
import { runCli } from './fixtures.js';

describe('datapark-etl drill', () => {
  it('survives every failure drill under load: nothing lost or doubled, only the poison dead-lettered, the load held', async () => {
    const result = await runCli(['drill', '--fault-seconds', '5', '--rate', '200', '--json']);
    // A drill that could not run says why on stderr: show it rather than a JSON parse error.
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    if (!last.startsWith('[')) throw new Error(`drill exited ${result.code}:\n${result.stderr}`);
    const results = JSON.parse(last) as DrillResult[];
    // The table a learner sees, in the test output.
    console.log(
      results
        .map(
          (r) =>
            `${r.drill}: ${r.eventsPerSecondBefore} → ${r.eventsPerSecondDuring} ev/s, recovered in ${r.recoveredSeconds} s, ${r.produced} produced, ${r.lost} lost, ${r.duplicated} duplicated, ${r.deadLettered} dead-lettered`,
        )
        .join('\n'),
    );
    expect(results.map((r) => r.drill)).toEqual([
      'broker',
      'postgres',
      'ingest-kill',
      'spark-worker',
      'airflow-scheduler',
      'poison',
    ]);
    for (const r of results) {
      expect([r.drill, r.error, r.lost, r.duplicated, r.deadLettered]).toEqual([
        r.drill,
        undefined,
        0,
        0,
        r.drill === 'poison' ? 6 : 0,
      ]);
      expect(r.produced).toBeGreaterThan(0);
      expect(r.passed).toBe(true);
    }
    // The batch outlived its executor's worker, and processed holds exactly the source orders
    // it covered, while the shop kept writing them.
    const spark = results.find((r) => r.drill === 'spark-worker')!;
    console.log(`spark-worker: source↔processed ${JSON.stringify(spark.processed)}`);
    expect(spark.processed).toMatchObject({ missing: 0, extra: 0, differing: 0 });
    expect(spark.processed!.orders).toBeGreaterThan(0);
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    // Producing goes on with a broker down (replication 3, min.insync.replicas 2) and while
    // PostgreSQL or ingest are away (Kafka holds the events).
    for (const drill of ['broker', 'postgres', 'ingest-kill'])
      expect(results.find((r) => r.drill === drill)!.eventsPerSecondDuring).toBeGreaterThan(100);
  }, 900_000);
});
