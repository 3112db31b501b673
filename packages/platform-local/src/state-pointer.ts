import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { statePointerFile } from '@datapark/config';

/**
 * Records `stateDir` in the user-level pointer of @datapark/config
 * (`$XDG_STATE_HOME/datapark/current`), so a script run outside any checkout finds this
 * platform. Only for a state directory found from the checkout: one moved with
 * DATAPARK_STATE_DIR is found by that same variable, and the throwaway platforms of tests
 * (which all set it) never take the pointer from the platform the user started.
 *
 * @returns the pointer file written, or undefined when none was.
 */
export function recordStateDir(stateDir: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env['DATAPARK_STATE_DIR']) return undefined;
  const pointer = statePointerFile(env);
  // The XDG spec wants directories it makes to be private to the user.
  mkdirSync(dirname(pointer), { recursive: true, mode: 0o700 });
  const tmp = `${pointer}.${process.pid}.tmp`;
  writeFileSync(tmp, `${stateDir}\n`);
  renameSync(tmp, pointer);
  return pointer;
}

/** Removes the pointer when it names `stateDir` (`down --purge` deleted that directory). */
export function forgetStateDir(stateDir: string, env: NodeJS.ProcessEnv): void {
  const pointer = statePointerFile(env);
  let named: string;
  try {
    named = readFileSync(pointer, 'utf8').trim();
  } catch {
    return;
  }
  if (named === stateDir) rmSync(pointer, { force: true });
}
