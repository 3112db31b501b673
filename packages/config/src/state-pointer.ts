import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The user-level pointer to the state directory of the local platform last started from a
 * checkout: `$XDG_STATE_HOME/datapark/current`, by default `~/.local/state/datapark/current`.
 * One line, the directory's absolute path. The local platform writes it at `up`; a script run
 * outside any checkout reads it to find the platform.
 *
 * XDG_STATE_HOME, not XDG_CONFIG_HOME: it is state ("the current state of the application",
 * safe to lose, rewritten at every start), not a setting the user edits.
 * https://specifications.freedesktop.org/basedir-spec/latest/#variables
 */
export function statePointerFile(env: NodeJS.ProcessEnv = process.env): string {
  const xdgStateHome = env['XDG_STATE_HOME'];
  // The spec: a relative path in an XDG variable is invalid and is ignored.
  const base =
    xdgStateHome && isAbsolute(xdgStateHome)
      ? xdgStateHome
      : join(env['HOME'] || homedir(), '.local', 'state');
  return join(base, 'datapark', 'current');
}

/**
 * The state directory the pointer names, or undefined when there is no pointer, it is not an
 * absolute path, or that directory is gone (a purged or deleted platform).
 */
export function readStatePointer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  let target: string;
  try {
    target = readFileSync(statePointerFile(env), 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!isAbsolute(target)) return undefined;
  try {
    return statSync(target).isDirectory() ? target : undefined;
  } catch {
    return undefined;
  }
}
