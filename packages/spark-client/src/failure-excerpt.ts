const LOG_LINE = /^\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;

// The worker's first lines: the whole java command (3 kB of classpath and --add-opens) between
// two rules of `=`. They never say why a driver failed, and pushed the cause off the screen.
const LAUNCH_LINE = /^(Launch Command: |=+$)/;

/**
 * The part of a driver's stderr that says why it failed: the last Python traceback (up to the
 * next log line), else the last Java exception, else the last 20 lines (never the launch command).
 */
export function failureExcerpt(stderr: string): string {
  const lines = stderr
    .trimEnd()
    .split('\n')
    .filter((l) => !LAUNCH_LINE.test(l));
  const start = lines.findLastIndex((l) => l.startsWith('Traceback (most recent call last)'));
  if (start >= 0) {
    const end = lines.findIndex((l, i) => i > start && LOG_LINE.test(l));
    return lines.slice(start, end < 0 ? undefined : end).join('\n');
  }
  const exception = lines.findLastIndex((l) =>
    /^(Exception in thread|\S+(Exception|Error): )/.test(l),
  );
  if (exception >= 0) return lines.slice(exception, exception + 15).join('\n');
  return lines.slice(-20).join('\n');
}
