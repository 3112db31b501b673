import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StartState } from './lesson.js';
import { LessonError } from './lesson-error.js';

/** One lesson's progress. */
export interface LessonProgress {
  readonly startedAt?: string;
  readonly started?: StartState;
  readonly lastCheckAt?: string;
  readonly passedAt?: string;
  /** How many hints `hint` has shown: the next one is the one after. */
  readonly hintsShown?: number;
}

export type Progress = Readonly<Record<string, LessonProgress>>;

export function readProgress(file: string): Progress {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Progress;
  } catch (error) {
    throw new LessonError(
      `${file} is not valid JSON (${(error as Error).message}): delete it to start the lessons' progress afresh`,
      { code: 'PROGRESS_UNREADABLE' },
    );
  }
}

/** Changes one lesson's entry (undefined removes it); written to a temporary file, then renamed. */
export function updateProgress(
  file: string,
  lesson: number,
  change: (current: LessonProgress | undefined) => LessonProgress | undefined,
): LessonProgress | undefined {
  const progress = { ...readProgress(file) };
  const next = change(progress[lesson]);
  if (next === undefined) delete progress[lesson];
  else progress[lesson] = next;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(progress, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
  return next;
}
