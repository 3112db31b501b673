import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The file that marks the root of a Data Park checkout. */
export const WORKSPACE_MARKER = 'nx.json';

/**
 * The root of the Data Park checkout that contains `from`: the nearest directory, `from` itself
 * or one of its parents, that holds `nx.json` (or any of `markers`); undefined outside a
 * checkout. The state directory, the local platform (DAGs, jobs, the venv) and the Kubernetes
 * backend (charts/datapark) all find the checkout through this one function.
 */
export function findWorkspaceRoot(
  from: string = process.cwd(),
  markers: readonly string[] = [WORKSPACE_MARKER],
): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (markers.some((marker) => existsSync(join(dir, marker)))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
