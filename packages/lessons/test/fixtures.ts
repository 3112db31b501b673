import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lesson, LessonContext } from '@datapark/lessons';
import { CHECKOUT_ROOT, lessonContext, lessonFiles } from '@datapark/lessons';

/**
 * A lesson context of a test's own: names suffixed (its tables, groups and producer names never
 * meet the learner's), progress in a temporary file, scripts in lab/lessons/.test-<suffix>
 * (inside the checkout so that `@datapark/*` resolve, and ignored by git like all of lab/lessons).
 */
export function testContext(): LessonContext & { cleanup(): void } {
  const suffix = `_t${randomBytes(4).toString('hex')}`;
  const scriptsDir = join(CHECKOUT_ROOT, 'lab', 'lessons', `.test${suffix}`);
  mkdirSync(scriptsDir, { recursive: true });
  const progressDir = mkdtempSync(join(tmpdir(), 'datapark-lessons-'));
  const context = lessonContext({
    suffix,
    scriptsDir,
    progressFile: join(progressDir, 'progress.json'),
    log: () => undefined,
  });
  return {
    ...context,
    cleanup() {
      rmSync(scriptsDir, { recursive: true, force: true });
      rmSync(progressDir, { recursive: true, force: true });
    },
  };
}

/**
 * Puts a lesson's starter where the context's scripts live, its names (the learner's) given the
 * test's suffix, as if the learner had run `start` and changed nothing else.
 */
export function placeStarter(
  context: LessonContext,
  lesson: Lesson,
  names: Readonly<Record<string, string>>,
): string {
  const { starter, script } = lessonFiles(context, lesson);
  let text = readFileSync(starter, 'utf8');
  for (const name of Object.values(names))
    text = text.replaceAll(`'${name}'`, `'${name}${context.suffix}'`);
  writeFileSync(script, text);
  return script;
}

/** Puts the test's reference solution where the context's scripts live. */
export function placeSolution(context: LessonContext, lesson: Lesson): string {
  const { script } = lessonFiles(context, lesson);
  copyFileSync(
    join(import.meta.dirname, 'solutions', lesson.script ?? `${lesson.slug}.ts`),
    script,
  );
  return script;
}

/** The items that did not pass, as text: '' when all did (an assertion shows what failed). */
export const failedItems = (
  items: readonly { name: string; passed: boolean; detail: string; pointer?: string }[],
) =>
  items
    .filter((i) => !i.passed)
    .map((i) => `✗ ${i.name}: ${i.detail}${i.pointer ? `\n  → ${i.pointer}` : ''}`)
    .join('\n');

/** A check's items as text, for an assertion's message. */
export const itemsText = (items: readonly { name: string; passed: boolean; detail: string }[]) =>
  items.map((i) => `${i.passed ? '✓' : '✗'} ${i.name}: ${i.detail}`).join('\n');
