import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '@datapark/platform';

const rulesDir = join(import.meta.dirname, '..', 'monitoring', 'rules');
const promtool = () => {
  const found = findExecutable('promtool');
  if (!found)
    throw new Error('promtool not found: bash tools/ci/apt.sh (Debian package prometheus)');
  return found;
};
const run = (args: string[], cwd: string) =>
  spawnSync(promtool(), args, { cwd, encoding: 'utf8', timeout: 60_000 });

describe("the platform's alerting rules", () => {
  it('are valid Prometheus rules, every alert with a summary and a runbook', () => {
    const check = run(['check', 'rules', 'datapark.rules.yml'], rulesDir);
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
    const text = readFileSync(join(rulesDir, 'datapark.rules.yml'), 'utf8');
    const alerts = [...text.matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'KafkaBrokerDown',
        'KafkaUnderReplicatedPartitions',
        'DeadLettersArriving',
        'IngestLagGrowing',
        'SparkWorkerLost',
        'PostgresDown',
        'DiskFilling',
        'IngestStalled',
        'AirflowDagRunFailed',
        'QualityCheckFailed',
        'StreamingJobNotRunning',
        'PostgresTooManyConnections',
      ]),
    );
    // Each alert's block holds both annotations.
    for (const block of text.split(/\n\s+- alert: /).slice(1)) {
      expect(block).toMatch(/\n\s+summary: /);
      expect(block).toMatch(/\n\s+runbook: /);
    }
  });

  it('pass their unit tests (promtool test rules): each fires when it should and not before', () => {
    const result = run(['test', 'rules', 'datapark.rules.test.yml'], rulesDir);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('have unit tests that fail when a rule changes: a broker alert that waits 5 minutes fails them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapark-rules-'));
    try {
      cpSync(rulesDir, dir, { recursive: true });
      const file = join(dir, 'datapark.rules.yml');
      const rules = readFileSync(file, 'utf8');
      const slower = rules.replace(/(expr: up\{job="kafka"\} == 0\n\s+for: )1m/, '$15m');
      expect(slower).not.toBe(rules);
      writeFileSync(file, slower);
      const result = run(['test', 'rules', 'datapark.rules.test.yml'], dir);
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(/FAILED[\s\S]*KafkaBrokerDown/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are checked by a promtool of Prometheus 2.42 (Debian) or newer', () => {
    expect(execFileSync(promtool(), ['--version'], { encoding: 'utf8' })).toMatch(
      /promtool, version 2\.(4[2-9]|[5-9]\d)|promtool, version 3\./,
    );
  });
});
