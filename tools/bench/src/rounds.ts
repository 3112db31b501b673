/** One side of a benchmark: ours or the reference, and how to measure one round of it. */
export interface Side {
  readonly name: string;
  /** One round: the measured rate (higher is better), and a line saying what it did. */
  run(round: number): Promise<{ rate: number; detail: string }>;
}

export interface Rounds {
  /** Every round's rate, per side, in the order run. */
  readonly rates: Readonly<Record<string, readonly number[]>>;
  /** Each side's median: what the ratio is taken from. */
  readonly median: Readonly<Record<string, number>>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs the sides `rounds` times each (at least twice), alternating who goes first, so neither
 * always gets the quieter machine or the warmer caches; prints every round as it ends, with a
 * pause between runs for the services to settle (replication, checkpoints).
 */
export async function alternateRounds(
  sides: readonly Side[],
  rounds: number,
  options: { settleMs?: number; unit: string; log?: (line: string) => void },
): Promise<Rounds> {
  if (rounds < 2) throw new Error(`rounds: at least 2 per side (alternated), got ${rounds}`);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const rates: Record<string, number[]> = Object.fromEntries(sides.map((s) => [s.name, []]));
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 ? sides : [...sides].reverse();
    for (const side of order) {
      await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 3_000));
      const { rate, detail } = await side.run(round);
      rates[side.name]!.push(rate);
      log(`  round ${round} ${side.name}: ${Math.round(rate)} ${options.unit} (${detail})`);
    }
  }
  return {
    rates,
    median: Object.fromEntries(sides.map((s) => [s.name, median(rates[s.name]!)])),
  };
}

/** "4210, 4188 (median 4199)" */
export const describeRounds = (rates: readonly number[]) =>
  `${rates.map((r) => Math.round(r)).join(', ')} (median ${Math.round(median(rates))})`;
