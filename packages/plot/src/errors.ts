import { DataparkError, type DataparkErrorOptions } from '@datapark/config';

/** Base of the errors @datapark/plot raises. */
export class PlotError extends DataparkError {
  override readonly name: string = 'PlotError';
  constructor(message: string, options: DataparkErrorOptions) {
    super(message, options);
  }
}
