import type { TopicName } from '../catalog.js';
import type { Contract, ContractVersion } from './subjects.js';
import { contractOf, findContract } from './subjects.js';

/** What a reader knows about the contract a record names. */
export type VersionLookup =
  | { readonly kind: 'known'; readonly contract: Contract; readonly version: ContractVersion }
  /** The topic has no such event type (subject). */
  | { readonly kind: 'unknown-subject'; readonly reason: string }
  /** The event type is known, the version is not published (a newer producer, or a bug). */
  | {
      readonly kind: 'unknown-version';
      readonly contract: Contract;
      readonly version: number;
      readonly reason: string;
    };

/**
 * Finds the contract version a record names, by subject (a record header) or by event type
 * (its envelope), as a reader that knows every published version sees it.
 *
 * @example
 * ```ts
 * resolveVersion('clickstream', { eventType: 'page_view', version: 3 });
 * // { kind: 'unknown-version', reason: 'unknown schema version 3 of clickstream-page_view (published: 1, 2) …' }
 * ```
 */
export function resolveVersion(
  topic: TopicName,
  named: { readonly subject?: string; readonly eventType?: string; readonly version: number },
): VersionLookup {
  const contract =
    named.subject !== undefined ? findContract(named.subject) : contractOf(topic, named.eventType!);
  if (!contract || contract.topic !== topic)
    return {
      kind: 'unknown-subject',
      reason: `unknown subject ${named.subject ?? `${topic}-${named.eventType}`} on topic ${topic}`,
    };
  const version = contract.versions.find((v) => v.version === named.version);
  if (version) return { kind: 'known', contract, version };
  return {
    kind: 'unknown-version',
    contract,
    version: named.version,
    reason:
      `unknown schema version ${named.version} of ${contract.subject} ` +
      `(published: ${contract.versions.map((v) => v.version).join(', ')}): a producer newer than ` +
      'this reader, or a bad version. Upgrade the reader to a @datapark/events that publishes it ' +
      'and replay the DLQ, or fix the producer',
  };
}
