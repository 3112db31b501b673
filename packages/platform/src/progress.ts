/** Where the platform reports progress. The default prints plain lines (readable in CI logs). */
export interface ProgressReporter {
  /** A step begins: `postgres: initialising data directory`. */
  step(component: string, message: string): void;
  /** Still waiting; called every few seconds with the time spent so far. */
  waiting(component: string, what: string, elapsedMs: number): void;
  done(component: string, message: string, elapsedMs?: number): void;
  warn(component: string, message: string): void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function consoleReporter(
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): ProgressReporter {
  return {
    step: (c, m) => write(`▸ ${c}: ${m}`),
    waiting: (c, w, ms) => write(`  ${c}: waiting for ${w} (${seconds(ms)})`),
    done: (c, m, ms) => write(`✓ ${c}: ${m}${ms === undefined ? '' : ` in ${seconds(ms)}`}`),
    warn: (c, m) => write(`! ${c}: ${m}`),
  };
}

export const silentReporter: ProgressReporter = {
  step: () => {},
  waiting: () => {},
  done: () => {},
  warn: () => {},
};
