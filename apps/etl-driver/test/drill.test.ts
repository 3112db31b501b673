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
