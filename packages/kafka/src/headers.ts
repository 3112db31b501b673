/** Header names on every event record and on dead letters. */
export const HEADERS = Object.freeze({
  eventType: 'event-type',
  eventId: 'event-id',
  schemaVersion: 'schema-version',
  contentType: 'content-type',
  dlqReason: 'dlq-reason',
  /** Set when a database refused the record: the SQLSTATE, e.g. `22P05`. */
  dlqErrorCode: 'dlq-error-code',
  dlqSourceTopic: 'dlq-source-topic',
  dlqSourcePartition: 'dlq-source-partition',
  dlqSourceOffset: 'dlq-source-offset',
  dlqFailedAt: 'dlq-failed-at',
});

export const JSON_CONTENT_TYPE = 'application/json';

/** A header value as a string (kafkajs hands them over as Buffers). */
export function headerText(
  value: Buffer | string | (Buffer | string)[] | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
