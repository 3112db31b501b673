import { DataparkError } from '@datapark/config';

/** Base of the errors @datapark/db raises. */
export class DbError extends DataparkError {
  override readonly name: string = 'DbError';
}
