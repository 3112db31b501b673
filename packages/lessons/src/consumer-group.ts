import type { PartitionOffsets } from '@datapark/kafka';
import { createKafka, topicEndOffsets } from '@datapark/kafka';
import type { LessonContext } from './lesson-context.js';
import { LessonError } from './lesson-error.js';

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;

async function withAdmin<R>(context: LessonContext, use: (admin: Admin) => Promise<R>): Promise<R> {
  const admin = createKafka(context.kafka).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** How many consumers are in the group now (0: no consumer of it runs). */
export function groupMembers(context: LessonContext, groupId: string): Promise<number> {
  return withAdmin(context, async (admin) => {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members.length ?? 0;
  });
}

/** The group's committed offsets on `topic` (partitions it never committed are left out). */
export function committedOffsets(
  context: LessonContext,
  groupId: string,
  topic: string,
): Promise<PartitionOffsets> {
  return withAdmin(context, async (admin) => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(
      (committed?.partitions ?? [])
        .filter((p) => BigInt(p.offset) >= 0n)
        .map((p) => [p.partition, p.offset]),
    );
  });
}

/**
 * Places a consumer group at `offsets`, so a consumer that joins it starts there, whatever its
 * `fromBeginning`. Kafka refuses while a member of the group is running.
 */
function placeGroup(
  context: LessonContext,
  groupId: string,
  topic: string,
  offsets: PartitionOffsets,
): Promise<void> {
  return withAdmin(context, async (admin) => {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [...offsets].map(([partition, offset]) => ({ partition, offset })),
    });
  });
}

/**
 * What a consuming lesson's `start` does: places the learner's group at the end of `topic`, so
 * their consumer reads what comes after, not days of the shop's history. Refuses while a
 * consumer of the group runs (Kafka would too), saying to stop it. Returns where the topic
 * ended, which `check` compares against.
 */
export async function placeIdleGroup(
  context: LessonContext,
  groupId: string,
  topic: string,
): Promise<PartitionOffsets> {
  if ((await groupMembers(context, groupId)) > 0)
    throw new LessonError(
      `a consumer of group ${groupId} is running: stop it (Ctrl-C), then start again`,
      { code: 'GROUP_RUNNING' },
    );
  const end = await topicEndOffsets(context.kafka, topic);
  await placeGroup(context, groupId, topic, end);
  return end;
}

/** Deletes the group and its committed offsets; a group that does not exist is fine. */
export function deleteGroup(context: LessonContext, groupId: string): Promise<void> {
  return withAdmin(context, async (admin) => {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (!group || group.state === 'Dead') return;
    if (group.members.length > 0)
      throw new LessonError(
        `consumer group ${groupId} has ${group.members.length} running consumer(s): stop them (Ctrl-C), then reset again`,
        { code: 'GROUP_RUNNING' },
      );
    await admin.deleteGroups([groupId]).catch((error: unknown) => {
      // GROUP_ID_NOT_FOUND: nothing to delete.
      if (!/not found|does not exist/i.test(String(error))) throw error;
    });
  });
}

/** Offsets as text for a check's detail: `p0 1200→1350, p1 …`, only partitions that moved. */
export function describeRange(from: PartitionOffsets, until: PartitionOffsets): string {
  const moved = [...until]
    .filter(([p, o]) => BigInt(o) > BigInt(from.get(p) ?? '0'))
    .map(([p, o]) => `p${p} ${from.get(p) ?? '0'}→${o}`);
  return moved.length ? moved.join(', ') : 'none';
}

/** The number of records between two offset maps. */
export function recordsBetween(from: PartitionOffsets, until: PartitionOffsets): bigint {
  let total = 0n;
  for (const [p, o] of until) {
    const d = BigInt(o) - BigInt(from.get(p) ?? '0');
    if (d > 0n) total += d;
  }
  return total;
}

/** Offsets kept in a progress file (a plain object) back as a map, and the other way. */
export const offsetsToJson = (offsets: PartitionOffsets): Record<string, string> =>
  Object.fromEntries([...offsets].map(([p, o]) => [String(p), o]));
export const offsetsFromJson = (json: unknown): PartitionOffsets =>
  new Map(Object.entries((json ?? {}) as Record<string, string>).map(([p, o]) => [Number(p), o]));
