import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loadConfig } from '@datapark/config';
import type { Lesson, LessonContext } from '@datapark/lessons';
import { CHECKOUT_ROOT, lessonContext, lessonFiles } from '@datapark/lessons';

/**
 * A lesson context of a test's own: names suffixed (its tables, groups and producer names never
 * meet the learner's), progress in a temporary file, scripts in lab/lessons/.test-<suffix>
 * (inside the checkout so that `@datapark/*` resolve, and ignored by git like all of lab/lessons),
 * DAGs in a folder of the platform's `test-dags` bundle (the running Airflow parses the `lab`
 * bundle of the checkout it was started from, which need not be this one).
 */
export function testContext(): LessonContext & { cleanup(): void } {
  const suffix = `_t${randomBytes(4).toString('hex')}`;
  const scriptsDir = join(CHECKOUT_ROOT, 'lab', 'lessons', `.test${suffix}`);
  mkdirSync(scriptsDir, { recursive: true });
  const progressDir = mkdtempSync(join(tmpdir(), 'datapark-lessons-'));
  const config = loadConfig();
  const subdir = `lessons${suffix}`;
  const dagBundle = {
    name: 'test-dags',
    dir: join(config.stateDir, 'airflow', 'test-dags', subdir),
    subdir,
  };
  const context = lessonContext({
    config,
    suffix,
    scriptsDir,
    dagBundle,
    progressFile: join(progressDir, 'progress.json'),
    log: () => undefined,
  });
  return {
    ...context,
    cleanup() {
      rmSync(scriptsDir, { recursive: true, force: true });
      rmSync(dagBundle.dir, { recursive: true, force: true });
      rmSync(progressDir, { recursive: true, force: true });
    },
  };
}

/** Each name quoted as TypeScript or Python quotes it, given the test's suffix. */
function suffixNames(text: string, names: Readonly<Record<string, string>>, suffix: string) {
  for (const name of Object.values(names))
    for (const q of [`'`, `"`])
      text = text.replaceAll(`${q}${name}${q}`, `${q}${name}${suffix}${q}`);
  return text;
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
  mkdirSync(dirname(script), { recursive: true });
  writeFileSync(script, suffixNames(readFileSync(starter, 'utf8'), names, context.suffix));
  return script;
}

/**
 * Puts the test's reference solution (named as the lesson's starter) where the context's
 * scripts live; `names`, when given, get the test's suffix as in {@link placeStarter}.
 */
export function placeSolution(
  context: LessonContext,
  lesson: Lesson,
  names?: Readonly<Record<string, string>>,
): string {
  const { starter, script } = lessonFiles(context, lesson);
  const file = join(import.meta.dirname, 'solutions', basename(starter));
  mkdirSync(dirname(script), { recursive: true });
  if (names) writeFileSync(script, suffixNames(readFileSync(file, 'utf8'), names, context.suffix));
  else copyFileSync(file, script);
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
