import type { Lesson } from './lesson.js';
import { LessonError } from './lesson-error.js';
import { firstEvent } from './lessons/01-first-event.js';
import { countPerType } from './lessons/02-count-per-type.js';
import { exactlyOnce } from './lessons/03-exactly-once.js';
import { sparkJob } from './lessons/04-spark-job.js';
import { dailyDag } from './lessons/05-daily-dag.js';
import { qualityChecks } from './lessons/06-quality-checks.js';
import { lagQuery } from './lessons/07-lag-query.js';
import { brokerRestart } from './lessons/08-broker-restart.js';
import { schemaEvolution } from './lessons/09-schema-evolution.js';
import { dbtModel } from './lessons/10-dbt-model.js';
import { lakehouse } from './lessons/11-lakehouse.js';
import { streaming } from './lessons/12-streaming.js';
import { dashboard } from './lessons/13-dashboard.js';

/** The learning path, in order: each lesson builds on the ones before it. */
export const LESSONS: readonly Lesson[] = Object.freeze([
  firstEvent,
  countPerType,
  exactlyOnce,
  sparkJob,
  dailyDag,
  qualityChecks,
  lagQuery,
  brokerRestart,
  schemaEvolution,
  dbtModel,
  lakehouse,
  streaming,
  dashboard,
]);

/** The lesson numbered `n` (`1`, `01`), or an error listing the ones there are. */
export function findLesson(n: string | number): Lesson {
  const lesson = LESSONS.find((l) => l.number === Number(n));
  if (!lesson)
    throw new LessonError(
      `no lesson ${n}: there are ${LESSONS.map((l) => l.number).join(', ')} (datapark lesson list)`,
      { code: 'UNKNOWN_LESSON' },
    );
  return lesson;
}
