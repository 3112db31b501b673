import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ComponentStatus } from '@datapark/platform';
import type { PrerequisiteResult } from '@datapark/platform-local';
import { type Check, checksOf, findingOf } from './check.js';

const LOG_LINES = 8;

/** One check per component: its own prerequisites (packages, venv, jars), with the install fix. */
export function prerequisiteChecks(results: readonly PrerequisiteResult[]): Check[] {
  const prerequisites = checksOf('prerequisites');
  return results.map(({ component, ok, error }) => {
    if (ok) return prerequisites.ok(component, 'installed');
    const { finding, more } = findingOf(error ?? 'the check failed');
    return prerequisites.fail(component, finding, more);
  });
}

/**
 * One check per component from `status`: running ✓, stopped !, degraded ✗ with the last lines
 * of the logs of its units that are not running (of all its logs when every unit runs).
 */
export function componentChecks(
  statuses: readonly ComponentStatus[],
  logFilesOf: (component: string) => readonly string[],
): Check[] {
  const platform = checksOf('platform');
  return statuses.map((s) => {
    const where = s.endpoint ? ` at ${s.endpoint}` : '';
    const detail = s.detail ? ` (${s.detail})` : '';
    if (s.state === 'running') return platform.ok(s.component, `running${where}${detail}`);
    if (s.state === 'stopped')
      return platform.warn(s.component, 'stopped', {
        fix: `npx nx run platform:up -- --only ${s.component}`,
      });
    const down = s.units.filter((u) => u.state !== 'running').map((u) => u.name);
    const files = logFilesOf(s.component).filter((f) => existsSync(f));
    const ofDown = files.filter((f) => down.some((unit) => basename(f).startsWith(`${unit}.`)));
    const details = (ofDown.length > 0 ? ofDown : files).flatMap((f) => [
      `${f}:`,
      ...lastLines(f, LOG_LINES).map((line) => `  ${line}`),
    ]);
    const units = down.length > 0 ? `; not running: ${down.join(', ')}` : '';
    const first = down[0] ?? s.component;
    return platform.fail(s.component, `degraded${where}${detail}${units}`, {
      fix:
        `read the log (npx nx run platform:logs -- ${first}); npx nx run platform:up starts what is ` +
        `not running; if it stays degraded: datapark stop ${s.component}, then npx nx run platform:up`,
      details,
    });
  });
}

/** The last `count` lines of a file, reading only its end. */
export function lastLines(file: string, count: number): string[] {
  const size = statSync(file).size;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').trimEnd().split('\n').slice(-count);
}
