import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { CheckItem, Lesson } from './lesson.js';
import type { LessonContext } from './lesson-context.js';
import { LessonError } from './lesson-error.js';
import type { LessonProgress } from './progress.js';
import { readProgress, updateProgress } from './progress.js';
import { LESSONS } from './registry.js';

/** A lesson's state for `list`. */
export interface LessonStatus {
  readonly lesson: Lesson;
  readonly state: 'not started' | 'started' | 'passed';
  readonly progress: LessonProgress | undefined;
}

export function listLessons(context: Pick<LessonContext, 'progressFile'>): LessonStatus[] {
  const progress = readProgress(context.progressFile);
  return LESSONS.map((lesson) => {
    const p = progress[lesson.number];
    return {
      lesson,
      progress: p,
      state: p?.passedAt ? 'passed' : p?.startedAt ? 'started' : 'not started',
    };
  });
}

/** The lesson's page and the starter and working copy of its script. */
export function lessonFiles(
  context: Pick<LessonContext, 'root' | 'scriptsDir' | 'dagBundle'>,
  lesson: Lesson,
) {
  const file = lesson.script ?? `${lesson.slug}.ts`;
  return {
    page: join(context.root, 'docs', 'lessons', `${lesson.slug}.md`),
    // A DAG's starter is named by its slug, so that no file in starters/ looks like a DAG's.
    starter: join(
      context.root,
      'lab',
      'lessons',
      'starters',
      lesson.scriptIn === 'dags' ? `${lesson.slug}.py` : file,
    ),
    script: join(lesson.scriptIn === 'dags' ? context.dagBundle.dir : context.scriptsDir, file),
  };
}

export interface StartResult {
  readonly page: string;
  readonly script: string;
  /** False when the learner's copy was already there (kept as it is). */
  readonly copiedStarter: boolean;
}

/** Prepares the platform, copies the starter (unless there is a copy already), notes progress. */
export async function startLesson(context: LessonContext, lesson: Lesson): Promise<StartResult> {
  const files = lessonFiles(context, lesson);
  const started = await lesson.start(context);
  const copiedStarter = !existsSync(files.script);
  if (copiedStarter) {
    mkdirSync(dirname(files.script), { recursive: true });
    copyFileSync(files.starter, files.script);
  }
  updateProgress(context.progressFile, lesson.number, (p) => ({
    ...p,
    startedAt: new Date().toISOString(),
    started,
  }));
  return {
    page: relative(context.root, files.page),
    script: relative(context.root, files.script),
    copiedStarter,
  };
}

export interface CheckResult {
  readonly passed: boolean;
  readonly items: readonly CheckItem[];
}

/** Runs the lesson's checker against what `start` noted; a pass is kept in the progress file. */
export async function checkLesson(context: LessonContext, lesson: Lesson): Promise<CheckResult> {
  const progress = readProgress(context.progressFile)[lesson.number];
  if (!progress?.started)
    throw new LessonError(
      `lesson ${lesson.number} is not started: \`datapark lesson start ${lesson.number}\` prepares the platform for it (it notes where the topic ends, so the checker looks only at what you did after)`,
      { code: 'LESSON_NOT_STARTED' },
    );
  const items = await lesson.check(context, progress.started);
  const passed = items.length > 0 && items.every((i) => i.passed);
  const now = new Date().toISOString();
  updateProgress(context.progressFile, lesson.number, (p) => ({
    ...p,
    lastCheckAt: now,
    ...(passed && !p?.passedAt ? { passedAt: now } : {}),
  }));
  return { passed, items };
}

/** The next hint (the last again once all were shown), and its place among them. */
export function nextHint(
  context: Pick<LessonContext, 'progressFile'>,
  lesson: Lesson,
): { readonly hint: string; readonly index: number; readonly of: number } {
  const shown = readProgress(context.progressFile)[lesson.number]?.hintsShown ?? 0;
  const index = Math.min(shown, lesson.hints.length - 1);
  updateProgress(context.progressFile, lesson.number, (p) => ({
    ...p,
    hintsShown: Math.min(shown + 1, lesson.hints.length),
  }));
  return { hint: lesson.hints[index]!, index: index + 1, of: lesson.hints.length };
}

export interface ResetResult {
  /** Where the learner's script was moved to (a fresh starter is copied in its place). */
  readonly savedScript?: string;
}

/**
 * Moves the learner's script aside to `<slug>.ts.bak` (never deleted), puts the platform back
 * (the lesson's tables, consumer groups, DAG), and forgets the lesson's progress. The script
 * goes first: Airflow would parse a DAG file again after its DAG was deleted.
 */
export async function resetLesson(context: LessonContext, lesson: Lesson): Promise<ResetResult> {
  const { script } = lessonFiles(context, lesson);
  const saved = existsSync(script);
  if (saved) renameSync(script, `${script}.bak`);
  await lesson.reset(context);
  updateProgress(context.progressFile, lesson.number, () => undefined);
  return saved ? { savedScript: relative(context.root, `${script}.bak`) } : {};
}
