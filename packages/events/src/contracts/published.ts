import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { jsonSchemaOf } from './json-schema-of.js';
import type { JsonSchema } from './json-schema-of.js';
import type { PublishedVersion } from './rules.js';
import { checkRule, describeViolation } from './rules.js';
import { CONTRACTS } from './subjects.js';

/**
 * The published history, committed with the code: `contracts/<subject>/v<N>.json`, one JSON
 * Schema per version (the same two levels up from `src/contracts/` and `dist/contracts/`).
 */
export const CONTRACTS_DIR = fileURLToPath(new URL('../../contracts/', import.meta.url));

const VERSION_FILE = /^v([1-9]\d*)\.json$/;

/** The committed file of one version of a subject. */
export function publishedFile(subject: string, version: number, dir = CONTRACTS_DIR): string {
  return join(dir, subject, `v${version}.json`);
}

/** Every published version of every subject found under `dir`, oldest first. */
export function readPublished(dir = CONTRACTS_DIR): Map<string, PublishedVersion[]> {
  const published = new Map<string, PublishedVersion[]>();
  if (!existsSync(dir)) return published;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const versions: PublishedVersion[] = [];
    for (const file of readdirSync(join(dir, entry.name))) {
      const match = VERSION_FILE.exec(file);
      if (!match) continue;
      const schema = JSON.parse(readFileSync(join(dir, entry.name, file), 'utf8')) as JsonSchema;
      versions.push({ version: Number(match[1]), schema });
    }
    published.set(
      entry.name,
      versions.sort((a, b) => a.version - b.version),
    );
  }
  return published;
}

/** A version the zod schemas define, as it would be published. */
export function definedVersions(subject: string): PublishedVersion[] {
  const contract = CONTRACTS.find((c) => c.subject === subject);
  return (contract?.versions ?? []).map((v) => ({
    version: v.version,
    schema: jsonSchemaOf(v.schema),
  }));
}

/** Publishing refused: a published version would change, or a new one breaks its rule. */
export class ContractPublishError extends Error {
  override readonly name = 'ContractPublishError';
}

/**
 * Publishes the versions the zod schemas define and `dir` does not hold yet, as a registry
 * registers a schema: a new version that breaks its topic's rule is refused, and so is any
 * change to a published version (history never changes: a change is a new version). Returns
 * the files written.
 */
export function publishContracts(dir = CONTRACTS_DIR): string[] {
  const problems: string[] = [];
  const toWrite: { file: string; schema: JsonSchema }[] = [];
  for (const contract of CONTRACTS) {
    const defined = definedVersions(contract.subject);
    for (const { version, schema } of defined) {
      const file = publishedFile(contract.subject, version, dir);
      if (!existsSync(file)) toWrite.push({ file, schema });
      else if (!isDeepStrictEqual(JSON.parse(readFileSync(file, 'utf8')), schema))
        problems.push(
          `${contract.subject} v${version} is published (${file}) and its zod schema now differs: a published version never changes. Revert the edit and add version ${defined.length + 1} instead (docs/contracts.md)`,
        );
    }
    for (const violation of checkRule(contract.subject, contract.compatibility, defined))
      problems.push(describeViolation(violation));
  }
  if (problems.length > 0)
    throw new ContractPublishError(`nothing published:\n${problems.join('\n')}`);
  for (const { file, schema } of toWrite) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(schema, null, 2) + '\n');
  }
  return toWrite.map((w) => w.file);
}
