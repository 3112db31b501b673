import type { ClientBase } from '@datapark/db';
import type { TopicName } from '@datapark/events';
import type { DecodedRecord, KafkaRecord } from '@datapark/kafka';
import { decodeRecord } from '@datapark/kafka';
import { copyIsolatingRefused } from './copy-isolating-refused.js';
import type { RawTable } from './raw-tables.js';
import { RAW_TABLE_OF, rawColumns, toRawRow } from './raw-tables.js';

const quoteTable = (table: string) =>
  table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');

export type DeadLetter = Extract<DecodedRecord<TopicName>, { ok: false }>;

export interface BatchToLand {
  readonly group: string;
  readonly topic: TopicName;
  readonly partition: number;
  /** Consecutive records of one partition, oldest first. */
  readonly messages: readonly KafkaRecord[];
  /**
   * Land the batch even when it starts after the stored offset: the records in between are gone
   * from Kafka (retention), so waiting for them would wait forever.
   */
  readonly acceptGap?: boolean;
  /** Sends one invalid record to the DLQ; awaited before the transaction commits. */
  readonly sendDeadLetter: (letter: DeadLetter) => Promise<void>;
}

export type LandResult =
  | {
      readonly kind: 'landed';
      /** Rows copied into `raw`. */
      readonly rows: number;
      readonly deadLetters: number;
      /** Records below the stored offset, or already in `raw` (a replay): not landed again. */
      readonly skipped: number;
      readonly nextOffset: bigint;
      /** The newest occurred_at landed, for freshness in the progress line. */
      readonly newestOccurredAt?: string;
    }
  | {
      /** The batch starts after the stored offset: the consumer must seek back to `stored`. */
      readonly kind: 'gap';
      readonly stored: bigint;
    };

/** Longer reasons are cut: the ledger is for counting and a first look, the DLQ has the rest. */
const LEDGER_REASON_CHARS = 1000;

/**
 * Records the batch's dead letters in `etl.dead_letters`, in its transaction: a retried batch or
 * another group's replay sends them to the DLQ again, but the ledger keeps each position once.
 */
async function recordDeadLetters(
  client: ClientBase,
  group: string,
  letters: readonly DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  const values: unknown[] = [];
  const rows = letters.map((letter, i) => {
    const { topic, partition, offset } = letter.position;
    values.push(group, topic, partition, offset, letter.code ?? null);
    values.push(letter.reason.slice(0, LEDGER_REASON_CHARS));
    const p = i * 6;
    return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`;
  });
  await client.query(
    `INSERT INTO etl.dead_letters (consumer_group, topic, partition, kafka_offset, code, reason)
     VALUES ${rows.join(', ')}
     ON CONFLICT (topic, partition, kafka_offset) DO NOTHING`,
    values,
  );
}

/**
 * Lands one partition's batch exactly once, in one transaction:
 *
 * 1. lock the group's row in `etl.consumer_offsets` (created at the batch start if missing), so a
 *    second consumer of the same partition (a rebalance in flight) waits and then sees our offset;
 * 2. drop records below the stored offset (already landed) and records whose Kafka position is
 *    already in `raw` (a replay by another group, or after an offset reset);
 * 3. send invalid records to the DLQ (awaited: a poison record is never lost);
 * 4. COPY the valid ones into the topic's `raw` table; a row PostgreSQL refuses for its content
 *    (a NUL character, a value out of range) is set aside and sent to the DLQ with the SQLSTATE,
 *    so it cannot stop the partition on every restart;
 * 5. record the dead letters in `etl.dead_letters` (each once, with its reason);
 * 6. store the next offset, and commit rows, ledger and offset together.
 *
 * A crash anywhere before the commit leaves nothing behind but dead letters, which the retry
 * sends again (the DLQ is at-least-once; `raw` is exactly-once).
 */
export async function landBatch(client: ClientBase, batch: BatchToLand): Promise<LandResult> {
  const { group, topic, partition, messages } = batch;
  const first = BigInt(messages[0]!.offset);
  const last = BigInt(messages.at(-1)!.offset);
  const table: RawTable = RAW_TABLE_OF[topic];
  await client.query('BEGIN');
  try {
    const locked = await client.query<{ next_offset: string }>(
      `INSERT INTO etl.consumer_offsets AS o (consumer_group, topic, partition, next_offset)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = o.next_offset
       RETURNING next_offset`,
      [group, topic, partition, String(first)],
    );
    const stored = BigInt(locked.rows[0]!.next_offset);
    if (first > stored && !batch.acceptGap) {
      await client.query('ROLLBACK');
      return { kind: 'gap', stored };
    }
    const fresh = messages.filter((m) => BigInt(m.offset) >= stored);
    if (fresh.length === 0) {
      await client.query('ROLLBACK');
      return {
        kind: 'landed',
        rows: 0,
        deadLetters: 0,
        skipped: messages.length,
        nextOffset: stored,
      };
    }

    const present = await client.query<{ kafka_offset: string }>(
      `SELECT kafka_offset FROM ${quoteTable(table)}
        WHERE kafka_topic = $1 AND kafka_partition = $2 AND kafka_offset BETWEEN $3 AND $4`,
      [topic, partition, fresh[0]!.offset, String(last)],
    );
    const landedBefore = new Set(present.rows.map((r) => r.kafka_offset));
    const valid = [];
    const letters: DeadLetter[] = [];
    let newestOccurredAt: string | undefined;
    for (const message of fresh) {
      if (landedBefore.has(message.offset)) continue;
      const decoded = decodeRecord(topic, partition, message);
      if (decoded.ok) {
        valid.push({ row: toRawRow(topic, decoded.event, decoded.position), decoded });
        if (!newestOccurredAt || decoded.event.occurred_at > newestOccurredAt)
          newestOccurredAt = decoded.event.occurred_at;
      } else {
        await batch.sendDeadLetter(decoded);
        letters.push(decoded);
      }
    }
    const refused = await copyIsolatingRefused(client, table, valid, rawColumns(topic));
    for (const { item, sqlstate, reason } of refused) {
      const letter: DeadLetter = {
        ok: false,
        reason: `PostgreSQL refused it: ${sqlstate} ${reason}`,
        code: sqlstate,
        position: item.decoded.position,
        message: item.decoded.message,
      };
      await batch.sendDeadLetter(letter);
      letters.push(letter);
    }
    await recordDeadLetters(client, group, letters);
    const deadLetters = letters.length;
    const nextOffset = last + 1n;
    await client.query(
      `UPDATE etl.consumer_offsets SET next_offset = $4, updated_at = now()
        WHERE consumer_group = $1 AND topic = $2 AND partition = $3`,
      [group, topic, partition, String(nextOffset)],
    );
    await client.query('COMMIT');
    return {
      kind: 'landed',
      rows: valid.length - refused.length,
      deadLetters,
      skipped: messages.length - fresh.length + landedBefore.size,
      nextOffset,
      ...(newestOccurredAt ? { newestOccurredAt } : {}),
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
