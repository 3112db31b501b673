import type { LessonContext } from './lesson-context.js';

/** What `start` noted about the platform, kept in the progress file for `check` and `reset`. */
export type StartState = Readonly<Record<string, unknown>>;

/** One thing `check` looked at: passed or not, what it saw, and where to look when not. */
export interface CheckItem {
  readonly name: string;
  readonly passed: boolean;
  /** What the checker saw: counts, offsets, a DLQ reason. Never the solution. */
  readonly detail: string;
  /** Where to look when it did not pass: the concept or the doc's section, not the code. */
  readonly pointer?: string;
}

/**
 * A lesson: its page (docs/lessons/<slug>.md), its starter (lab/lessons/starters/<slug>.ts,
 * which `start` copies to lab/lessons/<slug>.ts for the learner to edit) and its checker.
 */
export interface Lesson {
  readonly number: number;
  /** `01-first-event`: the page's and the starter's file name. */
  readonly slug: string;
  readonly title: string;
  /** The learner's file under lab/lessons/, when not `<slug>.ts` (a PySpark job: `<slug>.py`). */
  readonly script?: string;
  /**
   * `dags`: the learner's file is a DAG, in the lab's DAG bundle (lab/dags) where Airflow
   * parses it, not in lab/lessons/.
   */
  readonly scriptIn?: 'dags';
  /** Shown one at a time by `datapark lesson hint N`, the gentlest first. */
  readonly hints: readonly string[];
  /** Prepares the platform (offsets noted, a consumer group placed, events produced). */
  start(context: LessonContext): Promise<StartState>;
  /** Inspects the live platform for the learner's work. */
  check(context: LessonContext, started: StartState): Promise<readonly CheckItem[]>;
  /** Puts the platform back as it was before `start`: the lesson's tables, groups. */
  reset(context: LessonContext): Promise<void>;
}
