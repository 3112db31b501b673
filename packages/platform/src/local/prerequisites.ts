import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PrerequisiteError } from '../errors.js';

/** The absolute path of an executable on PATH (or in `extraDirs`), else undefined. */
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

/**
 * Like {@link findExecutable}, but throws a PrerequisiteError naming the package that provides
 * it and the command that installs it.
 */
export function requireExecutable(
  component: string,
  name: string,
  install: { debianPackage?: string; command?: string },
  extraDirs: readonly string[] = [],
): string {
  const found = findExecutable(name, extraDirs);
  if (found) return found;
  const command =
    install.command ??
    `sudo apt-get install ${install.debianPackage} (or: bash tools/ci/apt.sh, which installs every Debian package the platform needs)`;
  throw new PrerequisiteError(
    `\`${name}\` was not found${install.debianPackage ? ` (Debian package ${install.debianPackage})` : ''}`,
    component,
    command,
  );
}

/** Debian keeps PostgreSQL's server binaries in /usr/lib/postgresql/<major>/bin: newest first. */
export function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}
