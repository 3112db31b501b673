import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { EventsError } from '../errors.js';
import type { JsonSchema } from './json-schema-of.js';
import { publishedFile, readPublished } from './published.js';
import type { CompatibilityRule, PublishedVersion, RuleViolation } from './rules.js';
import { checkRule, COMPATIBILITY_RULES, describeViolation } from './rules.js';

/** The rule a subject gets when it has none of its own: ours for every topic (docs/contracts.md). */
const DEFAULT_RULE: CompatibilityRule = 'BACKWARD_TRANSITIVE';

/**
 * A registry refused a version: it breaks the subject's compatibility rule against a version
 * registered before it (Confluent's registry answers 409 here). Every violation is in the message,
 * one line per field.
 */
export class IncompatibleSchemaError extends EventsError {
  override readonly name = 'IncompatibleSchemaError';

  constructor(
    readonly subject: string,
    readonly violations: readonly RuleViolation[],
  ) {
    super(`${subject}: refused:\n${violations.map(describeViolation).join('\n')}`, {
      code: 'INCOMPATIBLE_SCHEMA',
      hint: 'a new version must keep the subject’s compatibility rule: under BACKWARD a new field is optional, and no field is removed or changes its type (docs/contracts.md, "The words")',
    });
  }
}

/** What {@link registerSchema} did. */
export interface Registration {
  readonly subject: string;
  readonly version: number;
  readonly file: string;
  /** False when the subject had the schema already, as this version (nothing written). */
  readonly created: boolean;
}

const ruleFile = (dir: string, subject: string) => join(dir, subject, 'compatibility.json');

/**
 * A subject's compatibility rule in a folder registry (`<dir>/<subject>/compatibility.json`),
 * or the default, BACKWARD_TRANSITIVE, when it has none.
 */
export function subjectCompatibility(dir: string, subject: string): CompatibilityRule {
  const file = ruleFile(dir, subject);
  if (!existsSync(file)) return DEFAULT_RULE;
  const { compatibility } = JSON.parse(readFileSync(file, 'utf8')) as { compatibility?: string };
  if (!COMPATIBILITY_RULES.includes(compatibility as CompatibilityRule))
    throw new EventsError(`${file}: unknown compatibility ${JSON.stringify(compatibility)}`, {
      code: 'UNKNOWN_COMPATIBILITY',
      hint: `one of ${COMPATIBILITY_RULES.join(', ')}`,
    });
  return compatibility as CompatibilityRule;
}

/** Sets a subject's compatibility rule (Confluent's `PUT /config/<subject>`). */
export function setSubjectCompatibility(
  dir: string,
  subject: string,
  rule: CompatibilityRule,
): void {
  mkdirSync(join(dir, subject), { recursive: true });
  writeFileSync(ruleFile(dir, subject), JSON.stringify({ compatibility: rule }, null, 2) + '\n');
}

/** A subject's registered versions, oldest first (none: an empty list). */
export function subjectVersions(dir: string, subject: string): PublishedVersion[] {
  return readPublished(dir).get(subject) ?? [];
}

/**
 * Registers a schema as the next version of a subject in a folder registry: the layout of
 * `contracts/` (`<dir>/<subject>/v<N>.json`), with the semantics of Confluent's
 * `POST /subjects/<subject>/versions`. A schema the subject has already is that version
 * (nothing written); one that breaks the subject's rule against the versions before it is
 * refused with {@link IncompatibleSchemaError}, naming every field; else it becomes version
 * latest + 1.
 *
 * @example
 * ```ts
 * const SearchV2 = eventSchema('search', Search.shape.payload.extend({ page: z.number().int().optional() }).strict(), 2);
 * registerSchema(dir, 'lab-clickstream-search', jsonSchemaOf(SearchV2));
 * // → { subject: 'lab-clickstream-search', version: 2, file: '<dir>/lab-clickstream-search/v2.json', created: true }
 * ```
 */
export function registerSchema(dir: string, subject: string, schema: JsonSchema): Registration {
  const versions = subjectVersions(dir, subject);
  const existing = versions.find((v) => isDeepStrictEqual(v.schema, schema));
  if (existing)
    return {
      subject,
      version: existing.version,
      file: publishedFile(subject, existing.version, dir),
      created: false,
    };
  const version = (versions.at(-1)?.version ?? 0) + 1;
  const violations = checkRule(subject, subjectCompatibility(dir, subject), [
    ...versions,
    { version, schema },
  ]).filter((v) => v.readerVersion === version || v.writerVersion === version);
  if (violations.length > 0) throw new IncompatibleSchemaError(subject, violations);
  const file = publishedFile(subject, version, dir);
  mkdirSync(join(dir, subject), { recursive: true });
  writeFileSync(file, JSON.stringify(schema, null, 2) + '\n');
  return { subject, version, file, created: true };
}
