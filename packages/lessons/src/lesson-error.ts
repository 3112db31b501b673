import { DataparkError } from '@datapark/config';

/**
 * A lesson step that cannot go on, with what to do about it: an unknown lesson, a check before
 * `start`, a consumer still running where the step needs its group idle.
 */
export class LessonError extends DataparkError {
  override readonly name: string = 'LessonError';
}
