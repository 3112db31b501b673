export type { CheckItem, Lesson, StartState } from './lesson.js';
export {
  CHECKOUT_ROOT,
  lessonContext,
  type LessonContext,
  type LessonContextOptions,
} from './lesson-context.js';
export { findLesson, LESSONS, UnknownLessonError } from './registry.js';
export {
  checkLesson,
  lessonFiles,
  LessonNotStartedError,
  listLessons,
  nextHint,
  resetLesson,
  startLesson,
  type CheckResult,
  type LessonStatus,
  type ResetResult,
  type StartResult,
} from './lesson-steps.js';
export { readProgress, type LessonProgress, type Progress } from './progress.js';
export { firstEventNames } from './lessons/01-first-event.js';
export { countPerTypeNames } from './lessons/02-count-per-type.js';
export { exactlyOnceNames } from './lessons/03-exactly-once.js';
