import type { RunStatus } from './generator-run.js';

const BAR = 24;

function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** One line about a run: a bar for a backfill, rate and lag for realtime. */
export function formatProgress(status: RunStatus): string {
  const rate = `${thousands(status.reachedEventsPerSecond)}/s`;
  const events = `${thousands(status.generatedTotal)} events`;
  if (status.backfill) {
    const filled = Math.round(status.backfill.progress * BAR);
    const bar = '█'.repeat(filled) + '░'.repeat(BAR - filled);
    const at = status.latestEventAt?.slice(0, 16) ?? status.backfill.from.slice(0, 16);
    return `backfill [${bar}] ${(status.backfill.progress * 100).toFixed(0).padStart(3)}%  ${at}  ${events}  ${rate}`;
  }
  const failed = status.sinks.reduce((n, s) => n + s.failed, 0);
  return (
    `${status.state} ${rate} (target ${thousands(status.targetEventsPerSecond ?? 0)}/s)  ${events}` +
    `  lag ${thousands(status.lagEvents)}${failed > 0 ? `  failed ${thousands(failed)}` : ''}`
  );
}

/**
 * Shows a run's progress on stderr: on a terminal one line redrawn in place a few times a
 * second; otherwise (CI logs, files) a plain line every `plainEverySeconds`.
 */
export function showProgress(
  status: () => RunStatus,
  stream: NodeJS.WriteStream = process.stderr,
  plainEverySeconds = 10,
): { stop(): void } {
  const tty = stream.isTTY === true;
  const timer = setInterval(
    () => {
      const line = formatProgress(status());
      if (tty) stream.write(`\r\x1b[K${line}`);
      else stream.write(`${line}\n`);
    },
    tty ? 250 : plainEverySeconds * 1000,
  );
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (tty) stream.write(`\r\x1b[K${formatProgress(status())}\n`);
    },
  };
}
