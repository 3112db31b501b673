import kafkajs from 'kafkajs';
import type { logCreator as LogCreator, LogEntry } from 'kafkajs';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { logLevel } = kafkajs;

/**
 * Errors kafkajs logs at ERROR and then retries by itself: a group or partition leader that is
 * still being elected, typically while a cluster or a consumer group starts. When the retries
 * run out the caller gets the error anyway, so at the default level they are only noise.
 */
const RETRIED_BY_KAFKAJS = [
  /group coordinator is not available/i,
  /coordinator is loading/i,
  /not the correct coordinator/i,
  /no leader for this topic-partition/i,
  /not the leader for that topic-partition/i,
  /leadership election/i,
];

/** One readable line per log entry, not kafkajs' JSON object. */
export function formatKafkaLog({ namespace, label, log }: LogEntry): string {
  const { message, error, broker, groupId } = log as Record<string, unknown>;
  const where = [broker && `broker ${String(broker)}`, groupId && `group ${String(groupId)}`]
    .filter(Boolean)
    .join(', ');
  return (
    `kafkajs ${label} ${namespace ? `[${namespace}] ` : ''}${String(message)}` +
    (error ? `: ${String(error)}` : '') +
    (where ? ` (${where})` : '')
  );
}

/**
 * kafkajs' logCreator for every client of ours: readable lines on stderr, and the errors
 * kafkajs retries by itself ({@link RETRIED_BY_KAFKAJS}) only at DEBUG.
 * `KAFKAJS_LOG_LEVEL=debug` shows everything.
 */
export function kafkaLogCreator(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): LogCreator {
  return (level) => (entry) => {
    const { error, message } = entry.log as { error?: unknown; message?: unknown };
    const text = `${String(message)} ${typeof error === 'string' ? error : ''}`;
    const retried =
      entry.level === logLevel.ERROR && RETRIED_BY_KAFKAJS.some((pattern) => pattern.test(text));
    if (retried && level < logLevel.DEBUG) return;
    write(formatKafkaLog(entry));
  };
}
