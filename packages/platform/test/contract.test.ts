import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  consoleReporter,
  findExecutable,
  HealthTimeoutError,
  PlatformError,
  PortInUseError,
  PrerequisiteError,
} from '@datapark/platform';

describe('the errors every backend raises', () => {
  it('say what failed, where, and what to do', () => {
    const error = new PrerequisiteError(
      '`initdb` was not found',
      'postgres',
      'bash tools/ci/apt.sh',
    );
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.name).toBe('PrerequisiteError');
    expect(error.component).toBe('postgres');
    expect(error.message).toBe('`initdb` was not found\n  Fix: bash tools/ci/apt.sh');
    expect(error.problem).toBe('`initdb` was not found');
    expect(new PortInUseError('port taken', 'redis').message).toBe('port taken');
    expect(new HealthTimeoutError('timed out', 'kafka', 'see logs').name).toBe(
      'HealthTimeoutError',
    );
  });
});

describe('consoleReporter', () => {
  it('prints one plain line per event, readable in a CI log', () => {
    const lines: string[] = [];
    const reporter = consoleReporter((line) => lines.push(line));
    reporter.step('postgres', 'starting');
    reporter.waiting('postgres', 'connections', 5200);
    reporter.done('postgres', 'ready', 1234);
    reporter.done('platform', 'purged');
    reporter.warn('kafka', 'topic drift');
    expect(lines).toEqual([
      '▸ postgres: starting',
      '  postgres: waiting for connections (5.2s)',
      '✓ postgres: ready in 1.2s',
      '✓ platform: purged',
      '! kafka: topic drift',
    ]);
  });
});

describe('findExecutable', () => {
  it('finds an executable in the extra directories first, then on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapark-contract-'));
    writeFileSync(join(dir, 'sh'), '#!/bin/sh\n');
    chmodSync(join(dir, 'sh'), 0o755);
    writeFileSync(join(dir, 'not-executable'), '');
    expect(findExecutable('sh', [dir])).toBe(join(dir, 'sh'));
    expect(findExecutable('sh')).toMatch(/\/sh$/);
    expect(findExecutable('not-executable', [dir])).toBeUndefined();
    expect(findExecutable('datapark-no-such-program')).toBeUndefined();
  });
});
