import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The absolute path of an executable on PATH (or in `extraDirs`, searched first), else
 * undefined: how a backend finds the programs it needs (initdb, java, helm) before it reports a
 * PrerequisiteError naming what to install.
 */
export function findExecutable(
  name: string,
  extraDirs: readonly string[] = [],
): string | undefined {
  const dirs = [...extraDirs, ...(process.env['PATH'] ?? '').split(delimiter)];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
