import type { PartitionWatermarks } from '@datapark/kafka';

/** A consumer group's committed offset on one partition (the next record it will read). */
export interface CommittedOffset {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/** What one scrape read from Kafka: every partition's offsets and every group's commits. */
export interface LagSnapshot {
  readonly partitions: readonly PartitionWatermarks[];
  readonly committed: readonly CommittedOffset[];
  /** Members of each group now: 0 for a group nobody consumes with (its lag only grows). */
  readonly members?: ReadonlyMap<string, number>;
}

const label = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * The snapshot in Prometheus' text format, under kafka_exporter's metric names (so its
 * dashboards and rules apply): per partition its end offset (`kafka_topic_partition_current_
 * offset`, which grows with every record produced, dead letters included) and log start; per
 * group and partition the committed offset and the lag, end offset minus committed (never
 * below 0), and how many members each group has. A group that committed nothing on a partition
 * has no lag series there.
 *
 * @example
 * ```ts
 * renderLagMetrics({ partitions: [{ topic: 'a', partition: 0, low: 0n, high: 10n }],
 *   committed: [{ group: 'g', topic: 'a', partition: 0, offset: 7n }] });
 * // …kafka_consumergroup_lag{consumergroup="g",topic="a",partition="0"} 3
 * ```
 */
export function renderLagMetrics(snapshot: LagSnapshot): string {
  const end = new Map(snapshot.partitions.map((p) => [`${p.topic}\u0000${p.partition}`, p.high]));
  const lines: string[] = [];
  const family = (name: string, type: string, help: string) =>
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const partitionLabels = (topic: string, partition: number) =>
    `topic="${label(topic)}",partition="${partition}"`;

  family(
    'kafka_topic_partition_current_offset',
    'gauge',
    'End offset of a partition: the offset the next record produced will get.',
  );
  for (const p of snapshot.partitions)
    lines.push(
      `kafka_topic_partition_current_offset{${partitionLabels(p.topic, p.partition)}} ${p.high}`,
    );
  family(
    'kafka_topic_partition_oldest_offset',
    'gauge',
    'Log start offset of a partition: the oldest record retention kept.',
  );
  for (const p of snapshot.partitions)
    lines.push(
      `kafka_topic_partition_oldest_offset{${partitionLabels(p.topic, p.partition)}} ${p.low}`,
    );

  const committed = [...snapshot.committed].sort(
    (a, b) =>
      a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition,
  );
  const groupLabels = (c: CommittedOffset) =>
    `consumergroup="${label(c.group)}",${partitionLabels(c.topic, c.partition)}`;
  family(
    'kafka_consumergroup_current_offset',
    'gauge',
    'Offset a consumer group committed on a partition: the next record it will read.',
  );
  for (const c of committed)
    lines.push(`kafka_consumergroup_current_offset{${groupLabels(c)}} ${c.offset}`);
  family(
    'kafka_consumergroup_lag',
    'gauge',
    "Records a consumer group has still to read on a partition: end offset minus the group's committed offset.",
  );
  for (const c of committed) {
    const high = end.get(`${c.topic}\u0000${c.partition}`);
    if (high === undefined) continue;
    const lag = high > c.offset ? high - c.offset : 0n;
    lines.push(`kafka_consumergroup_lag{${groupLabels(c)}} ${lag}`);
  }
  if (snapshot.members) {
    family(
      'kafka_consumergroup_members',
      'gauge',
      'Members of a consumer group now; 0 when nobody consumes with it.',
    );
    for (const [group, count] of [...snapshot.members].sort(([a], [b]) => a.localeCompare(b)))
      lines.push(`kafka_consumergroup_members{consumergroup="${label(group)}"} ${count}`);
  }
  return lines.join('\n') + '\n';
}
