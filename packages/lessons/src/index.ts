export type { CheckItem, Lesson, StartState } from './lesson.js';
export {
  CHECKOUT_ROOT,
  defaultProgressFile,
  type DagBundle,
  lessonContext,
  type LessonContext,
  type LessonContextOptions,
} from './lesson-context.js';
export { LessonError } from './lesson-error.js';
export { findLesson, LESSONS } from './registry.js';
export {
  checkLesson,
  lessonFiles,
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
export { sparkJobNames } from './lessons/04-spark-job.js';
export { dailyDagNames } from './lessons/05-daily-dag.js';
export { qualityChecksNames } from './lessons/06-quality-checks.js';
export { lagQueryNames } from './lessons/07-lag-query.js';
export { brokerRestartNames, LESSON_08_EVENTS } from './lessons/08-broker-restart.js';
export { labRegistryDir, schemaEvolutionNames } from './lessons/09-schema-evolution.js';
export { dbtModelNames } from './lessons/10-dbt-model.js';
export { lakeDailyCommand, lakehouseNames, lakeReadiness } from './lessons/11-lakehouse.js';
export { streamingNames } from './lessons/12-streaming.js';
export { chartDay, compareChartRows, dashboardNames } from './lessons/13-dashboard.js';
export { supersetLogin, type SupersetApi } from './superset-api.js';
