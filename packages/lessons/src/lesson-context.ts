import { LessonError } from './lesson-error.js';
import { join, resolve } from 'node:path';
import type { DataparkConfig } from '@datapark/config';
import { loadConfig, resolveStateDir } from '@datapark/config';
import type { KafkaConnection } from '@datapark/kafka';
import { connectionFromConfig } from '@datapark/kafka';

/** Where a lesson runs and whose work it looks at. */
export interface LessonContext {
  readonly config: DataparkConfig;
  readonly kafka: KafkaConnection;
  /** The checkout: lab/ and docs/ are under it. */
  readonly root: string;
  /** Where the learner's lesson scripts are: lab/lessons (a test: its reference solutions). */
  readonly scriptsDir: string;
  /**
   * The Airflow DAG bundle the learner's DAGs are in: lab/dags, which the platform parses as
   * its bundle `lab` (a test: a folder of the `test-dags` bundle).
   */
  readonly dagBundle: DagBundle;
  /** Progress file: which lessons were started and passed, and what `start` noted. */
  readonly progressFile: string;
  /**
   * Appended to every name a lesson uses (tables, consumer groups, producer names): empty for
   * the learner; a test uses its own so it never meets the learner's state.
   */
  readonly suffix: string;
  /** Progress lines while a step runs (a check that drives a consumer takes a minute). */
  readonly log: (line: string) => void;
}

/** A local DAG bundle: its name in Airflow and a folder the learner's DAG file goes in. */
export interface DagBundle {
  readonly name: string;
  /** The folder of the bundle (or one under it) where a lesson's DAG file goes. */
  readonly dir: string;
  /** That folder relative to the bundle's root: '' for the root. */
  readonly subdir: string;
}

export interface LessonContextOptions {
  readonly config?: DataparkConfig;
  readonly root?: string;
  readonly scriptsDir?: string;
  readonly dagBundle?: DagBundle;
  readonly progressFile?: string;
  readonly suffix?: string;
  readonly log?: (line: string) => void;
}

/**
 * The checkout this package sits in (src/ and dist/ are both one level under packages/lessons):
 * lab/ and docs/lessons/ are found from here, wherever the CLI runs from.
 */
export const CHECKOUT_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/**
 * Where the learner's progress is kept: `lessons/progress.json` in the platform's state
 * directory (`.datapark/` of the checkout). `list` and `hint` need nothing else, not even a
 * running platform.
 */
export function defaultProgressFile(stateDir: string = resolveStateDir()): string {
  return join(stateDir, 'lessons', 'progress.json');
}

/** The learner's context: the platform of this checkout, progress kept in its state directory. */
export function lessonContext(options: LessonContextOptions = {}): LessonContext {
  const config = options.config ?? loadConfig();
  const suffix = options.suffix ?? '';
  if (!/^[a-z0-9_]*$/.test(suffix))
    throw new LessonError(`lesson suffix ${JSON.stringify(suffix)}: only a-z, 0-9 and _`, {
      code: 'LESSON_BAD_SUFFIX',
      hint: 'use lower-case letters, digits and _ only',
    });
  const root = options.root ?? CHECKOUT_ROOT;
  return {
    config,
    kafka: connectionFromConfig(config, `datapark-lessons${suffix}`),
    root,
    scriptsDir: options.scriptsDir ?? join(root, 'lab', 'lessons'),
    dagBundle: options.dagBundle ?? { name: 'lab', dir: join(root, 'lab', 'dags'), subdir: '' },
    progressFile: options.progressFile ?? defaultProgressFile(config.stateDir),
    suffix,
    log: options.log ?? (() => undefined),
  };
}
