import { DataparkError } from '@datapark/config';

/** Base of the errors the event generator raises: a code to branch on and a hint to act on. */
export class GeneratorError extends DataparkError {
  override readonly name: string = 'GeneratorError';
}
