import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema, PublishedVersion } from '@datapark/events';
import {
  checkRule,
  describeViolation,
  jsonSchemaOf,
  registerSchema,
  Search,
  setSubjectCompatibility,
  subjectCompatibility,
  subjectVersions,
} from '@datapark/events';
import type { CheckItem, Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';
import { runLearnerScript, stopLearnerScript } from '../run-learner-script.js';

const SLUG = '09-schema-evolution';
const PAGE = `docs/lessons/${SLUG}.md`;
/** The rule the lesson's subject keeps, as every topic of the shop does. */
const RULE = 'BACKWARD_TRANSITIVE';
/** How long the learner's script may take to register (node, zod, a file or two). */
const SCRIPT_MS = 60_000;

export const schemaEvolutionNames = (suffix: string) => ({
  /** The lesson's subject: the shop's `clickstream-search`, version 1, in the lab's registry. */
  subject: `lab-clickstream-search${suffix}`,
});

/**
 * The lab's schema registry: a folder of subjects in the platform's state directory
 * (`.datapark/lessons/registry/<subject>/v<N>.json`), kept by `registerSchema` of
 * `@datapark/events` with the rules the shop's own contracts are checked by. No registry server
 * installs here (README, "Why no schema registry runs here").
 */
export const labRegistryDir = (context: Pick<LessonContext, 'config'>) =>
  join(context.config.stateDir, 'lessons', 'registry');

/** Version 1, as start registers it: the shop's search event today. */
const VERSION_1: JsonSchema = jsonSchemaOf(Search);

type Props = Record<string, unknown>;

/** The payload's fields and which of them are required, from a version's JSON Schema. */
function payloadOf(schema: JsonSchema): { fields: Props; required: readonly string[] } {
  const root = typeof schema === 'object' ? (schema as { properties?: Props }) : {};
  const payload = (root.properties?.['payload'] ?? {}) as {
    properties?: Props;
    required?: string[];
  };
  return { fields: payload.properties ?? {}, required: payload.required ?? [] };
}

/** The last lines a script wrote, indented under a check's detail. */
const tail = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.trim() && !/^\s+at /.test(line) && !line.includes('ExperimentalWarning'))
    .slice(-8)
    .map((line) => `  ${line}`)
    .join('\n');

/** Runs the learner's script to its end; its exit code (or signal) and output. */
async function runToEnd(context: LessonContext, script: string) {
  const running = runLearnerScript(script, context.root, context.suffix);
  const timer = setTimeout(() => void stopLearnerScript(running, 5000), SCRIPT_MS);
  try {
    const exit = await running.exited;
    return { exit, output: running.output() };
  } finally {
    clearTimeout(timer);
  }
}

export const schemaEvolution: Lesson = {
  number: 9,
  slug: SLUG,
  title: 'Schema registry: evolve an event contract compatibly, and register it',
  hints: [
    "A new version is a new schema beside the old one: eventSchema('search', …, 2), built from version 1’s payload (Search.shape.payload) with one more field.",
    'The subject’s rule is BACKWARD_TRANSITIVE: a reader of version 2 must read every version-1 record. Those records do not have your new field.',
    'So the new field is optional (.optional()); the fields version 1 has stay as they are, with their types.',
    'registerSchema(dir, subject, jsonSchemaOf(yourV2)) registers it and throws IncompatibleSchemaError when the rule refuses it; run your script again after a fix: registering the same schema twice is one version.',
  ],

  async start(context) {
    const { subject } = schemaEvolutionNames(context.suffix);
    const dir = labRegistryDir(context);
    setSubjectCompatibility(dir, subject, RULE);
    // Registering version 1 again when it is there is that version: start keeps what you
    // registered after it.
    const registered = subjectVersions(dir, subject);
    if (registered.length === 0) registerSchema(dir, subject, VERSION_1);
    const shown = relative(context.root, dir);
    context.log(
      `${subject} in the lab's registry (${shown.startsWith('..') ? dir : shown}): ${Math.max(1, registered.length)} version(s), rule ${RULE}`,
    );
    return { registry: dir, subject };
  },

  async check(context) {
    const { subject } = schemaEvolutionNames(context.suffix);
    const dir = labRegistryDir(context);
    const script = join(context.scriptsDir, `${SLUG}.ts`);
    const shown = relative(context.root, script);
    if (!existsSync(script))
      return [
        {
          name: `your script ${shown}`,
          passed: false,
          detail: `${shown} does not exist`,
          pointer: '`datapark lesson start 9` copies the starter there',
        },
      ];

    // 1. Run it: it registers its version (the same schema again is the same version).
    context.log(`running ${shown}…`);
    const { exit, output } = await runToEnd(context, script);
    const items: CheckItem[] = [];
    // The registry's refusal, one line per field (Node prints the error's properties after).
    const refusals = [
      ...new Set(output.split('\n').filter((line) => /: v\d+ breaks [A-Z_]+: /.test(line))),
    ];
    if (exit !== 0) {
      items.push({
        name: `${shown} registers a new version of ${subject}`,
        passed: false,
        detail: refusals.length
          ? `the registry refused it:\n${refusals.map((line) => `  ${line.trim()}`).join('\n')}`
          : `it exited with ${exit}:\n${tail(output) || '  (no output)'}`,
        pointer: refusals.length
          ? `the subject's rule is ${RULE}: a version-2 reader must read every version-1 record, and those lack any field you add. Which changes keep that? (${PAGE}, "Compatibility"; docs/contracts.md, the table of changes)`
          : `${PAGE}, steps 2 and 3`,
      });
      return items;
    }
    items.push({
      name: `${shown} registers a new version of ${subject}`,
      passed: true,
      detail: 'it ran to its end (exit 0)',
    });

    // 2. The registry as it is now: the subject's rule, its versions, the verdict over them.
    const rule = subjectCompatibility(dir, subject);
    items.push(
      rule === RULE
        ? { name: `${subject} keeps its rule`, passed: true, detail: RULE }
        : {
            name: `${subject} keeps its rule`,
            passed: false,
            detail: `it is ${rule} now, not ${RULE}`,
            pointer:
              'the rule protects every consumer still reading older records: evolve the schema to fit the rule, never the rule to fit the schema',
          },
    );
    const versions: PublishedVersion[] = subjectVersions(dir, subject);
    const first = versions[0];
    if (!first || first.version !== 1 || !isDeepStrictEqual(first.schema, VERSION_1)) {
      items.push({
        name: `${subject} v1 is the shop's search event, unchanged`,
        passed: false,
        detail: first
          ? 'version 1 differs from what start registered'
          : 'the subject has no version',
        pointer:
          'a registered version never changes (records written with it are out there): `datapark lesson reset 9` and `start 9` register it again',
      });
      return items;
    }
    const latest = versions.at(-1)!;
    if (latest.version < 2) {
      items.push({
        name: `${subject} has a version 2`,
        passed: false,
        detail: 'only version 1 is registered: your script registered nothing new',
        pointer: `${PAGE}, step 3: registerSchema with your version's JSON Schema (jsonSchemaOf)`,
      });
      return items;
    }
    const violations = checkRule(subject, RULE, versions);
    items.push(
      violations.length === 0
        ? {
            name: `the registry's verdict on ${subject} v1…v${latest.version}`,
            passed: true,
            detail: `compatible under ${RULE}: the newest reads every earlier version's records`,
          }
        : {
            name: `the registry's verdict on ${subject} v1…v${latest.version}`,
            passed: false,
            detail: violations.map(describeViolation).join('\n'),
            pointer: `a version the rule refuses is in the registry (written by hand?): reset, and register through registerSchema, which refuses it (${PAGE}, "Compatibility")`,
          },
    );

    // 3. The evolution itself: a field version 1 did not have, optional.
    const before = payloadOf(first.schema);
    const after = payloadOf(latest.schema);
    const added = Object.keys(after.fields).filter((f) => !(f in before.fields));
    const optional = added.filter((f) => !after.required.includes(f));
    items.push(
      optional.length > 0
        ? {
            name: `v${latest.version} adds an optional field`,
            passed: true,
            detail: optional.map((f) => `payload.${f}`).join(', '),
          }
        : {
            name: `v${latest.version} adds an optional field`,
            passed: false,
            detail: added.length
              ? `it adds ${added.map((f) => `payload.${f}`).join(', ')}, required`
              : 'its payload has no field version 1 lacks',
            pointer: `${PAGE}, step 2: the evolution adds one field to the payload`,
          },
    );
    return items;
  },

  async reset(context) {
    const { subject } = schemaEvolutionNames(context.suffix);
    rmSync(join(labRegistryDir(context), subject), { recursive: true, force: true });
  },
};
