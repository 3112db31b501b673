import { DataparkError } from './datapark-error.js';

/** One problem with one configuration key: where the value came from, and how to fix it. */
export interface ConfigProblem {
  readonly key: string;
  /** `environment variable DATAPARK_X`, `endpoints file /path`, `option`, `default`. */
  readonly source: string;
  /** The offending value as shown to the user; secrets are replaced by `<redacted>`. */
  readonly shownValue: string;
  readonly expected: string;
  readonly fix: string;
}

/**
 * Thrown when configuration is missing or invalid. The message lists every problem at once,
 * each naming the key, the bad value (never a secret) and the fix.
 */
export class ConfigError extends DataparkError {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], heading = 'Invalid Data Park configuration') {
    super(
      `${heading}:\n` +
        problems
          .map(
            (p) =>
              `  - ${p.key} = ${p.shownValue} (from ${p.source}): ${p.expected}.\n    Fix: ${p.fix}`,
          )
          .join('\n'),
      { code: 'CONFIG_INVALID', hint: problems.map((p) => p.fix).join('; ') },
    );
    this.problems = Object.freeze([...problems]);
  }
}
