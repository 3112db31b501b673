import { type Check, CHECK_GROUPS, type CheckStatus } from './check.js';

const SYMBOL: Readonly<Record<CheckStatus, string>> = { ok: '✓', warn: '!', fail: '✗' };

/**
 * The report: a heading per group, one line per check (`✓`, `!` or `✗`, what was checked, the
 * finding), the `Fix:` under each one that has it, then its evidence; a count at the end.
 */
export function formatChecks(checks: readonly Check[]): string {
  const lines: string[] = [];
  for (const group of CHECK_GROUPS) {
    const inGroup = checks.filter((c) => c.group === group);
    if (inGroup.length === 0) continue;
    const width = Math.max(...inGroup.map((c) => c.name.length));
    lines.push(group[0]!.toUpperCase() + group.slice(1));
    for (const check of inGroup) {
      lines.push(`  ${SYMBOL[check.status]} ${check.name.padEnd(width)}  ${check.finding}`);
      const indent = ' '.repeat(width + 6);
      if (check.fix) lines.push(`${indent}Fix: ${check.fix}`);
      for (const detail of check.details ?? []) lines.push(`${indent}${detail}`);
    }
    lines.push('');
  }
  const count = (status: CheckStatus) => checks.filter((c) => c.status === status).length;
  const failed = count('fail');
  lines.push(
    `${count('ok')} ✓, ${count('warn')} !, ${failed} ✗` +
      (failed > 0 ? ': fix the ✗ lines, top to bottom, then run doctor again' : ''),
  );
  return lines.join('\n') + '\n';
}
