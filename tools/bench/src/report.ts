/** One benchmark's result: ours against the reference tool, measured in the same run. */
export interface BenchResult {
  readonly bench: string;
  readonly ours: number;
  readonly reference: number;
  readonly unit: string;
  /** Higher is better for ours/reference throughputs. */
  readonly ratio: number;
}

/** Prints a readable table, then the result as the last line, in JSON, for machines. */
export function printReport(
  result: Omit<BenchResult, 'ratio'>,
  rows: readonly (readonly [string, string])[],
  target?: number,
): BenchResult {
  const ratio = Number((result.ours / result.reference).toFixed(3));
  const lines: [string, string][] = [
    ...rows.map(([k, v]) => [k, v] as [string, string]),
    [`ours (${result.unit})`, result.ours.toFixed(0)],
    [`reference (${result.unit})`, result.reference.toFixed(0)],
    [
      'ratio ours/reference',
      `${ratio.toFixed(2)}x${target ? ` (target ≥ ${target}x: ${ratio >= target ? 'met' : 'NOT met'})` : ''}`,
    ],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  process.stdout.write(`\n${result.bench}\n${'─'.repeat(width + 20)}\n`);
  for (const [k, v] of lines) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  const full = { ...result, ratio };
  process.stdout.write(JSON.stringify(full) + '\n');
  return full;
}

/** Wall time of `fn` in seconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}
