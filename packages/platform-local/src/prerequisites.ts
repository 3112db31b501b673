import { findExecutable, PrerequisiteError } from '@datapark/platform';

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
