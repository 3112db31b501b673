import { DataparkError } from '@datapark/config';

/** Base of the errors `datapark-etl` raises: a code to branch on and a hint to act on. */
export class EtlError extends DataparkError {
  override readonly name: string = 'EtlError';
}

/** A command line the CLI cannot take: the flag, the value and what it expects. */
export function usageError(message: string, hint = 'datapark-etl <command> --help'): EtlError {
  return new EtlError(message, { code: 'USAGE', hint });
}
