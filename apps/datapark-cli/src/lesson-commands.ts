import { Command } from 'commander';
import { DataparkError } from '@datapark/config';
import type { CheckItem } from '@datapark/lessons';

// Loaded when a lesson command runs, not for `datapark --help` or another command (0.7 s of CPU).
const lessons = () => import('@datapark/lessons');

const out = (line = '') => process.stdout.write(line + '\n');
const progressLine = (line: string) => process.stderr.write(`  … ${line}\n`);

/** A lesson-command failure the learner can act on: printed as its message, exit 1. */
export class LessonCommandError extends Error {
  override readonly name = 'LessonCommandError';
}

/** Runs an action, turning Data Park's errors into {@link LessonCommandError}. */
const learnerFacing =
  <A extends unknown[]>(action: (...args: A) => Promise<void> | void) =>
  async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      // Data Park's errors say what failed and what to do (a lesson not started, Kafka away):
      // the message, with its hint, and no stack.
      if (error instanceof DataparkError)
        throw new LessonCommandError(
          error.hint ? `${error.message}\n  ${error.hint}` : error.message,
        );
      throw error;
    }
  };

/**
 * `datapark lesson list | start N | check N | hint N | reset N`: the learning path of
 * docs/lessons, each lesson checked against the learner's own running platform.
 */
export function lessonCommand(): Command {
  const lesson = new Command('lesson').description(
    'the lessons of docs/lessons: start one, check your work against your platform, get a hint, reset',
  );

  lesson
    .command('list', { isDefault: true })
    .description('every lesson, in order, with your progress')
    .action(
      learnerFacing(async () => {
        const { defaultProgressFile, listLessons } = await lessons();
        const statuses = listLessons({ progressFile: defaultProgressFile() });
        for (const { lesson: l, state } of statuses) {
          const mark = state === 'passed' ? '✓' : state === 'started' ? '…' : ' ';
          out(`${mark} ${String(l.number).padStart(2)}  ${l.title.padEnd(72)} ${state}`);
        }
        const next = statuses.find((s) => s.state !== 'passed');
        out();
        out(
          next
            ? `next: lesson ${next.lesson.number}, docs/lessons/${next.lesson.slug}.md (datapark lesson ${next.state === 'started' ? 'check' : 'start'} ${next.lesson.number})`
            : 'every lesson passed',
        );
      }),
    );

  lesson
    .command('start')
    .description('prepare your platform for lesson N and copy its starter to lab/lessons/')
    .argument('<n>', 'the lesson’s number (datapark lesson list)')
    .action(
      learnerFacing(async (n: string) => {
        const { findLesson, lessonContext, startLesson } = await lessons();
        const l = findLesson(n);
        const started = await startLesson(lessonContext({ log: progressLine }), l);
        out(`lesson ${l.number} started: ${l.title}`);
        out(`  read:      ${started.page}`);
        out(
          `  your code: ${started.script} (${started.copiedStarter ? 'the starter, copied' : 'yours, kept as it was'})`,
        );
        out(
          `  then:      datapark lesson check ${l.number}   (stuck? datapark lesson hint ${l.number})`,
        );
      }),
    );

  lesson
    .command('check')
    .description('inspect your platform for lesson N’s work: what passed, what did not and why')
    .argument('<n>', 'the lesson’s number')
    .action(
      learnerFacing(async (n: string) => {
        const { checkLesson, findLesson, lessonContext } = await lessons();
        const l = findLesson(n);
        out(`checking lesson ${l.number}: ${l.title}`);
        const result = await checkLesson(lessonContext({ log: progressLine }), l);
        for (const item of result.items) printItem(item);
        out();
        if (result.passed) out(`lesson ${l.number} passed.`);
        else {
          out(
            `lesson ${l.number}: not yet. docs/lessons/${l.slug}.md; a hint: datapark lesson hint ${l.number}`,
          );
          process.exitCode = 1;
        }
      }),
    );

  lesson
    .command('hint')
    .description('the next hint for lesson N (one more each time)')
    .argument('<n>', 'the lesson’s number')
    .action(
      learnerFacing(async (n: string) => {
        const { defaultProgressFile, findLesson, nextHint } = await lessons();
        const l = findLesson(n);
        const { hint, index, of } = nextHint({ progressFile: defaultProgressFile() }, l);
        out(`hint ${index} of ${of} for lesson ${l.number}: ${hint}`);
        if (index === of) out('  (the last hint: the lesson page has the rest)');
      }),
    );

  lesson
    .command('reset')
    .description(
      'put lesson N’s platform state back (its tables, consumer groups), forget its progress; your script is kept as .bak',
    )
    .argument('<n>', 'the lesson’s number')
    .action(
      learnerFacing(async (n: string) => {
        const { findLesson, lessonContext, resetLesson } = await lessons();
        const l = findLesson(n);
        const reset = await resetLesson(lessonContext({ log: progressLine }), l);
        out(
          `lesson ${l.number} reset: its tables and consumer groups are gone, its progress forgotten`,
        );
        if (reset.savedScript) out(`  your script is now ${reset.savedScript}`);
        out(`  again: datapark lesson start ${l.number}`);
      }),
    );

  return lesson;
}

function printItem(item: CheckItem): void {
  const [first, ...rest] = item.detail.split('\n');
  out(`${item.passed ? '✓' : '✗'} ${item.name}: ${first}`);
  for (const line of rest) out(`  ${line}`);
  if (!item.passed && item.pointer) out(`    → ${item.pointer}`);
}
