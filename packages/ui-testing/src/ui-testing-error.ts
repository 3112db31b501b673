import { DataparkError, type DataparkErrorOptions } from '@datapark/config';

/** Base of the errors @datapark/ui-testing raises. */
export class UiTestingError extends DataparkError {
  override readonly name: string = 'UiTestingError';
  constructor(message: string, options: DataparkErrorOptions) {
    super(message, options);
  }
}
