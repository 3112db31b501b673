import { isDeepStrictEqual } from 'node:util';
import { CONTRACTS_DIR, definedVersions, publishedFile, readPublished } from './published.js';
import type { RuleViolation } from './rules.js';
import { checkRule, describeViolation } from './rules.js';
import { CONTRACTS } from './subjects.js';

/** What can be wrong with the contracts, each with its fix in the message. */
export type ContractProblemKind =
  /** A version the zod schemas define has no committed file. */
  | 'UNPUBLISHED'
  /** A committed version no longer matches its zod schema. */
  | 'EDITED'
  /** A committed version (or subject) the zod schemas no longer define. */
  | 'WITHDRAWN'
  /** Two versions break the topic's compatibility rule. */
  | 'INCOMPATIBLE';

export interface ContractProblem {
  readonly kind: ContractProblemKind;
  readonly subject: string;
  readonly message: string;
  /** For INCOMPATIBLE: the versions and every field that breaks. */
  readonly violation?: RuleViolation;
}

export interface ContractCheck {
  readonly subjects: number;
  readonly versions: number;
  readonly problems: readonly ContractProblem[];
}

/**
 * The contract gate that `npm test` and `datapark contracts check` run: every version the zod
 * schemas define is published unchanged under `dir`, nothing published was withdrawn, and every
 * subject's versions keep its topic's compatibility rule.
 */
export function checkContracts(dir = CONTRACTS_DIR): ContractCheck {
  const published = readPublished(dir);
  const problems: ContractProblem[] = [];
  let versions = 0;
  for (const contract of CONTRACTS) {
    const { subject } = contract;
    const defined = definedVersions(subject);
    const committed = published.get(subject) ?? [];
    versions += defined.length;
    for (const { version, schema } of defined) {
      const file = publishedFile(subject, version, dir);
      const onDisk = committed.find((p) => p.version === version);
      if (!onDisk)
        problems.push({
          kind: 'UNPUBLISHED',
          subject,
          message: `${subject} v${version} is defined but not published: run npx nx run events:export-schemas and commit ${file}`,
        });
      else if (!isDeepStrictEqual(onDisk.schema, schema))
        problems.push({
          kind: 'EDITED',
          subject,
          message: `${subject} v${version}: the zod schema no longer matches the published ${file}. A published version never changes: revert the edit and add version ${defined.length + 1} (docs/contracts.md)`,
        });
    }
    for (const { version } of committed)
      if (!defined.some((d) => d.version === version))
        problems.push({
          kind: 'WITHDRAWN',
          subject,
          message: `${subject} v${version} is published but no zod schema defines it: records of it may still be in Kafka, so it stays; restore its schema`,
        });
    for (const violation of checkRule(subject, contract.compatibility, defined))
      problems.push({
        kind: 'INCOMPATIBLE',
        subject,
        message: describeViolation(violation),
        violation,
      });
  }
  for (const subject of published.keys())
    if (!CONTRACTS.some((c) => c.subject === subject))
      problems.push({
        kind: 'WITHDRAWN',
        subject,
        message: `${subject} is published but no topic defines it: restore its event type (a published subject is never removed)`,
      });
  return { subjects: CONTRACTS.length, versions, problems };
}
