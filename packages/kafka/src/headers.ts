/** Header names on every event record and on dead letters. */
export const HEADERS = Object.freeze({
  eventType: 'event-type',
  eventId: 'event-id',
  /** The event's contract: `<topic>-<event_type>`, e.g. `clickstream-page_view`. */
  schemaSubject: 'schema-subject',
  /** The version of that contract the value follows: what the envelope's schema_version says. */
  schemaVersion: 'schema-version',
  contentType: 'content-type',
  dlqReason: 'dlq-reason',
  /**
   * A machine-readable cause, where there is one: the SQLSTATE a database refused the record
   * with (e.g. `22P05`), or `UNKNOWN_SCHEMA_VERSION`.
   */
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
