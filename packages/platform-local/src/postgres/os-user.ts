import { execa } from 'execa';
import { PlatformError } from '@datapark/platform';
import type { OsUser } from '../run-as.js';
import { commandAs, isRoot, lookupUser } from '../run-as.js';
import { NAME, postgresBin } from './binaries.js';

/**
 * The system user PostgreSQL runs as: undefined (ourselves) unless we are root, which
 * PostgreSQL refuses; then Debian's `postgres` user.
 */
export function postgresOsUser(): OsUser | undefined {
  if (!isRoot()) return undefined;
  const user = lookupUser('postgres');
  if (!user) {
    throw new PlatformError(
      'running as root, and PostgreSQL refuses to run as root, but there is no `postgres` system user to run it as',
      NAME,
      "install Debian's postgresql package (it creates the user): sudo apt-get install postgresql",
    );
  }
  return user;
}

/** Runs a server program (initdb, pg_ctl) as that user; never rejects, check `exitCode`. */
export function runPostgresCommand(name: string, args: string[]) {
  const [command, fullArgs] = commandAs(postgresOsUser(), postgresBin(name), args);
  return execa(command, fullArgs, { reject: false, all: true });
}
