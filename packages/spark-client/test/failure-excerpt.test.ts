import { failureExcerpt } from '../src/failure-excerpt.js';

const LAUNCH = [
  'Launch Command: "/usr/lib/jvm/java-17-openjdk-amd64/bin/java" "-cp" "/x/*" ' +
    '"--add-opens=java.base/java.lang=ALL-UNNAMED" '.repeat(25) +
    '"org.apache.spark.deploy.worker.DriverWrapper"',
  '========================================',
  '',
];

describe('failureExcerpt', () => {
  it('leaves out the launch command, so a short failure shows its cause on one screen', () => {
    const log = [
      ...LAUNCH,
      '26/12/05 08:00:01 INFO SparkContext: Running Spark version 4.1.0',
      '26/12/05 08:00:09 INFO SparkContext: Successfully stopped SparkContext',
      'no such table: source.orderz (lab)',
    ].join('\n');
    const excerpt = failureExcerpt(log);
    expect(excerpt).not.toMatch(/Launch Command|add-opens|^=+$/m);
    expect(excerpt.split('\n').at(-1)).toBe('no such table: source.orderz (lab)');
    expect(excerpt.length).toBeLessThan(300);
  });

  it('keeps the last Python traceback, up to the next log line', () => {
    const log = [
      ...LAUNCH,
      'Traceback (most recent call last):',
      '  File "/lab/spark/job.py", line 3, in <module>',
      'ValueError: bad day',
      '26/12/05 08:00:09 INFO ShutdownHookManager: Shutdown hook called',
    ].join('\n');
    expect(failureExcerpt(log)).toBe(
      'Traceback (most recent call last):\n  File "/lab/spark/job.py", line 3, in <module>\nValueError: bad day',
    );
  });
});
