import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { runningPid } from '../pid-file.js';
import { canWrite, chownTo } from '../run-as.js';
import { NAME } from './binaries.js';
import { postgresOsUser } from './os-user.js';

export interface PostgresPaths {
  readonly root: string;
  readonly data: string;
  readonly log: string;
}

/**
 * The data directory lives under the state directory unless the `postgres` user cannot reach
 * it (a checkout under /root when running as root): then under /var/lib/datapark, keyed by
 * the state directory so two checkouts never share one.
 */
export function postgresPaths(ctx: ComponentContext): PostgresPaths {
  const user = postgresOsUser();
  mkdirSync(ctx.dir, { recursive: true });
  chownTo(user, ctx.dir);
  let root = ctx.dir;
  if (!canWrite(user, ctx.dir)) {
    const key = createHash('sha256').update(ctx.stateDir).digest('hex').slice(0, 12);
    root = join('/var/lib/datapark', key, NAME);
    mkdirSync(root, { recursive: true });
    chownTo(user, root);
  }
  return { root, data: join(root, 'data'), log: join(ctx.logDir, 'postgres.log') };
}

/** The postmaster's pid when the server runs (its own postmaster.pid), else undefined. */
export function postmasterPid(ctx: ComponentContext): number | undefined {
  // Without its directory it never ran here; postgresPaths would create it, and a status must
  // write nothing.
  if (!existsSync(ctx.dir)) return undefined;
  return runningPid(join(postgresPaths(ctx).data, 'postmaster.pid'));
}
