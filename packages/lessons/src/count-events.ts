import type { TopicName } from '@datapark/events';
import type { PartitionOffsets, RangeRecord } from '@datapark/kafka';
import { decodeRecord, readRange } from '@datapark/kafka';
import type { LessonContext } from './lesson-context.js';

/**
 * The reference a counting lesson is checked against: valid events per event type in the range
 * of `topic` between two offset maps, as a consumer that dead-letters invalid records counts
 * them. Partitions past `until` are not read.
 */
export async function countValidEventsByType(
  context: LessonContext,
  topic: TopicName,
  from: PartitionOffsets,
  until: PartitionOffsets,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const records: RangeRecord[] = await readRange(context.kafka, topic, from, { until });
  for (const { partition, message } of records) {
    const decoded = decodeRecord(topic, partition, message);
    if (!decoded.ok) continue;
    counts.set(decoded.event.event_type, (counts.get(decoded.event.event_type) ?? 0) + 1);
  }
  return counts;
}

/** Per-type differences between what the learner's table holds and the reference. */
export function compareCounts(
  table: ReadonlyMap<string, number>,
  reference: ReadonlyMap<string, number>,
): { readonly type: string; readonly yours: number; readonly expected: number }[] {
  const types = [...new Set([...table.keys(), ...reference.keys()])].sort();
  return types
    .map((type) => ({ type, yours: table.get(type) ?? 0, expected: reference.get(type) ?? 0 }))
    .filter((d) => d.yours !== d.expected);
}
