import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readStatePointer } from './state-pointer.js';
import { findWorkspaceRoot, WORKSPACE_MARKER } from './workspace-root.js';

/** Name of the state directory the local platform keeps its data, logs and endpoints in. */
export const STATE_DIR_NAME = '.datapark';
export const ENDPOINTS_FILE_NAME = 'endpoints.json';

/**
 * Where the platform's state lives, the first of:
 * 1. `DATAPARK_STATE_DIR`;
 * 2. `.datapark/` at the root of the Data Park checkout that contains `cwd` (found by its
 *    `nx.json`), or in the nearest directory above `cwd` that holds one;
 * 3. the directory the user-level pointer names (`statePointerFile()`: the platform last
 *    started from a checkout), so a script run outside any checkout finds it;
 * 4. `~/.datapark` (where nothing has run, the credentials error then names the fix).
 * A notebook or script anywhere inside the checkout finds the same platform.
 */
export function resolveStateDir(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string {
  if (env['DATAPARK_STATE_DIR']) return resolve(cwd, env['DATAPARK_STATE_DIR']);
  // The nearest directory holding a state directory or nx.json: a checkout, or a directory
  // where the platform already ran.
  const root = findWorkspaceRoot(cwd, [STATE_DIR_NAME, WORKSPACE_MARKER]);
  if (root) return join(root, STATE_DIR_NAME);
  return readStatePointer(env) ?? join(env['HOME'] || homedir(), STATE_DIR_NAME);
}

/** `DATAPARK_ENDPOINTS_FILE`, else `endpoints.json` in the state directory. */
export function resolveEndpointsFile(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string {
  if (env['DATAPARK_ENDPOINTS_FILE']) return resolve(cwd, env['DATAPARK_ENDPOINTS_FILE']);
  return join(resolveStateDir(env, cwd), ENDPOINTS_FILE_NAME);
}
