import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkLesson,
  findLesson,
  labRegistryDir,
  readProgress,
  resetLesson,
  schemaEvolutionNames,
  startLesson,
} from '@datapark/lessons';
import { subjectVersions } from '@datapark/events';
import { failedItems, itemsText, placeSolution, placeStarter, testContext } from './fixtures.js';

// The lab's registry is a folder in the state directory: no service of the platform is needed,
// the checker runs the learner's script and reads the subject's versions and rule.
const lesson = findLesson(9);
const context = testContext();
const names = schemaEvolutionNames(context.suffix);
const dir = join(labRegistryDir(context), names.subject);
afterAll(async () => {
  await resetLesson(context, lesson);
  context.cleanup();
});

describe('lesson 9: evolve a contract compatibly and register it', () => {
  it('start registers version 1; the untouched starter fails, naming its TODO', async () => {
    await startLesson(context, lesson);
    expect(subjectVersions(labRegistryDir(context), names.subject).map((v) => v.version)).toEqual([
      1,
    ]);
    placeStarter(context, lesson, schemaEvolutionNames(''));
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    expect(result.items).toHaveLength(1);
    expect(result.items[0]!.detail).toMatch(/^it exited with 1:/);
    expect(result.items[0]!.detail).toContain('lesson 9: version 2 is not written yet (TODO 1)');
    expect(result.items[0]!.pointer).toBe('docs/lessons/09-schema-evolution.md, steps 2 and 3');
  });

  it('a typical mistake, a required new field, is refused by the registry, and the check points at the rule', async () => {
    const script = placeSolution(context, lesson, schemaEvolutionNames(''));
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace('device: Device.optional()', 'device: Device'),
    );
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    expect(result.items[0]!.detail).toMatch(/^the registry refused it:/);
    expect(result.items[0]!.detail).toContain(
      `${names.subject}: v2 breaks BACKWARD_TRANSITIVE: a v2 reader refuses v1 records: payload.device: REQUIRED_FIELD_ADDED`,
    );
    expect(result.items[0]!.pointer).toContain(
      "the subject's rule is BACKWARD_TRANSITIVE: a version-2 reader must read every version-1 record",
    );
    // Refused: nothing was registered.
    expect(existsSync(join(dir, 'v2.json'))).toBe(false);
  });

  it('passes with the reference: an optional field, registered as version 2, compatible', async () => {
    placeSolution(context, lesson, schemaEvolutionNames(''));
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    expect(itemsText(result.items)).toContain(`✓ v2 adds an optional field: payload.device`);
    expect(itemsText(result.items)).toContain(
      `✓ the registry's verdict on ${names.subject} v1…v2: compatible under BACKWARD_TRANSITIVE`,
    );
    expect(readProgress(context.progressFile)[9]?.passedAt).toBeDefined();
    // Run again (the checker does each time): the same schema is the same version.
    expect((await checkLesson(context, lesson)).passed).toBe(true);
    expect(subjectVersions(labRegistryDir(context), names.subject)).toHaveLength(2);
  });

  it('a version written into the registry by hand, past its rule, fails the verdict', async () => {
    const v2 = JSON.parse(readFileSync(join(dir, 'v2.json'), 'utf8')) as {
      properties: { payload: { required: string[] } };
    };
    v2.properties.payload.required.push('device');
    writeFileSync(join(dir, 'v3.json'), JSON.stringify(v2));
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toMatch(
      new RegExp(
        `^✗ the registry's verdict on ${names.subject} v1…v3: ${names.subject}: v3 breaks BACKWARD_TRANSITIVE: a v3 reader refuses v1 records: payload.device: REQUIRED_FIELD_ADDED`,
      ),
    );
  });

  it('reset removes the subject from the registry', async () => {
    await resetLesson(context, lesson);
    expect(existsSync(dir)).toBe(false);
  });
});
