import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireExecutable } from '../prerequisites.js';

export const NAME = 'postgres';
const INSTALL = { debianPackage: 'postgresql' };

/** Debian keeps PostgreSQL's server binaries in /usr/lib/postgresql/<major>/bin: newest first. */
export function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

/** A server program (initdb, pg_ctl), or a PrerequisiteError naming Debian's package. */
export function postgresBin(name: string): string {
  return requireExecutable(NAME, name, INSTALL, postgresBinDirs());
}
