import { spawnSync } from 'node:child_process';
import { chownSync } from 'node:fs';

/**
 * PostgreSQL refuses to run as root. When the platform runs as root (CI, containers), its
 * commands run as the `postgres` system user that Debian's package creates.
 */
export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function lookupUser(name: string): OsUser | undefined {
  const result = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return { name, uid: Number(result.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The command line that runs `command` as `user` (or as is, when `user` is undefined). */
export function commandAs(
  user: OsUser | undefined,
  command: string,
  args: readonly string[],
): [string, string[]] {
  return user ? ['runuser', ['-u', user.name, '--', command, ...args]] : [command, [...args]];
}

export function chownTo(user: OsUser | undefined, ...paths: string[]): void {
  if (!user) return;
  for (const path of paths) chownSync(path, user.uid, user.gid);
}

/** True when `user` can write into `dir` (every parent must be traversable). */
export function canWrite(user: OsUser | undefined, dir: string): boolean {
  if (!user) return true;
  return spawnSync('runuser', ['-u', user.name, '--', 'test', '-w', dir]).status === 0;
}
