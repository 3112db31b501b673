import { closestNames } from '@datapark/config';
import type { RequestOptions } from './core/http-client.js';
import { NotFoundError } from './core/errors.js';
import type { Dags } from './resources/dags.js';
import type { ImportErrors } from './resources/import-errors.js';
import type { ImportError } from './types.js';

/**
 * A DAG id Airflow does not know: mistyped, a file not parsed yet, or a file that fails to
 * import (then it is not a DAG at all). Names the closest DAG ids Airflow has and lists the
 * files that failed to import, with the last line of each one's error.
 *
 * It is a {@link NotFoundError} (the 404 it explains is its `cause`), so code that catches
 * those still does.
 */
export class DagNotFoundError extends NotFoundError {
  override readonly name = 'DagNotFoundError';

  constructor(
    readonly dagId: string,
    notFound: NotFoundError,
    /** The DAG ids Airflow has that are closest to `dagId`, closest first (at most 3). */
    readonly closest: readonly string[],
    /** Every DAG file that failed to import, as `importErrors.list()` returns them. */
    readonly importErrors: readonly ImportError[],
    baseUrl: string,
    /** Every DAG id Airflow has: listed (the first 10) when none is close. */
    dagIds: readonly string[] = [],
  ) {
    super(
      notFound.status,
      notFound.detail,
      notFound.request,
      describe(dagId, closest, importErrors, baseUrl, notFound, dagIds),
      {},
      {
        cause: notFound,
        ...(notFound.body === undefined ? {} : { body: notFound.body }),
        hint:
          importErrors.length > 0
            ? 'fix the DAG file that fails to import (its error is above); the dag-processor parses it again within seconds'
            : 'use a DAG id Airflow lists (airflow.dags.list()); a new DAG file is parsed within seconds of being saved',
      },
    );
  }
}

function describe(
  dagId: string,
  closest: readonly string[],
  importErrors: readonly ImportError[],
  baseUrl: string,
  notFound: NotFoundError,
  dagIds: readonly string[],
): string {
  const some = dagIds.slice(0, 10).join(', ') + (dagIds.length > 10 ? ', …' : '');
  const lines = [
    `DAG ${JSON.stringify(dagId)} is unknown to the Airflow at ${baseUrl} ` +
      `(404 from ${notFound.request.method} ${new URL(notFound.request.url).pathname}).` +
      (closest.length > 0
        ? ` Did you mean ${closest.join(' or ')}?`
        : dagIds.length > 0
          ? ` It has ${dagIds.length} DAG${dagIds.length === 1 ? '' : 's'}: ${some}.`
          : ' It has no DAG at all.'),
  ];
  if (importErrors.length === 0) {
    lines.push('No DAG file fails to import.');
  } else {
    lines.push(
      `${importErrors.length} DAG file${importErrors.length === 1 ? '' : 's'} fail${importErrors.length === 1 ? 's' : ''} to import (a DAG in one is unknown until it is fixed):`,
    );
    for (const e of importErrors.slice(0, 10))
      lines.push(
        `  - ${e.bundle_name ? `${e.bundle_name}: ` : ''}${e.filename}: ${lastLine(e.stack_trace)}`,
      );
    if (importErrors.length > 10) lines.push(`  … and ${importErrors.length - 10} more`);
  }
  return lines.join('\n');
}

/** The line of a Python traceback that says what went wrong: its last non-empty one. */
function lastLine(stackTrace: string): string {
  return (
    stackTrace
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? stackTrace
  );
}

/**
 * Turns the 404 of a call naming `dagId` into a {@link DagNotFoundError} with the closest DAG ids
 * and the import errors (two more requests); any other error, or a 404 those requests cannot
 * explain further, comes back as it was.
 */
export async function explainDagNotFound(
  resources: { readonly dags: Dags; readonly importErrors: ImportErrors },
  dagId: string,
  error: unknown,
  options: RequestOptions = {},
): Promise<unknown> {
  if (!(error instanceof NotFoundError) || error instanceof DagNotFoundError) return error;
  try {
    const [dags, importErrors] = await Promise.all([
      resources.dags.list({}, options).toArray(),
      resources.importErrors.list({}, options).toArray(),
    ]);
    // The 404 was about the DAG only when Airflow indeed has no such DAG.
    if (dags.some((d) => d.dag_id === dagId)) return error;
    const ids = dags.map((d) => d.dag_id);
    return new DagNotFoundError(
      dagId,
      error,
      closestIds(dagId, ids),
      importErrors,
      resources.dags.baseUrl,
      ids,
    );
  } catch {
    return error;
  }
}

/** Up to three DAG ids closest to `wanted`, closest first (see `closestNames`). */
export function closestIds(wanted: string, ids: readonly string[]): string[] {
  return closestNames(wanted, ids);
}
