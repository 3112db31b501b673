import { setTimeout as sleep } from 'node:timers/promises';
import type { ProgressReporter } from '@datapark/platform';
import { HealthTimeoutError } from '@datapark/platform';

export interface WaitOptions {
  readonly component: string;
  /** What is awaited, for progress and the timeout message: `PostgreSQL to accept connections`. */
  readonly what: string;
  readonly timeoutMs: number;
  readonly reporter: ProgressReporter;
  readonly intervalMs?: number;
  /** Appended to the timeout error: where to look. */
  readonly fix?: string;
}

/**
 * Polls `probe` until it returns true, reporting progress every 5 s. The last error the probe
 * threw is part of the timeout message, since it usually says why.
 */
export async function waitUntil(
  probe: () => Promise<boolean>,
  options: WaitOptions,
): Promise<number> {
  const started = Date.now();
  let lastReport = started;
  let lastError: unknown;
  for (;;) {
    try {
      if (await probe()) return Date.now() - started;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const now = Date.now();
    if (now - started > options.timeoutMs) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new HealthTimeoutError(
        `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${options.what}${why}`,
        options.component,
        options.fix,
      );
    }
    if (now - lastReport >= 5000) {
      options.reporter.waiting(options.component, options.what, now - started);
      lastReport = now;
    }
    await sleep(options.intervalMs ?? 250);
  }
}
