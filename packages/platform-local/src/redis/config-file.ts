import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';

/**
 * Writes redis.conf (mode 0600) and the data directory: loopback, password required, append-only
 * file. The password sits in the file, not on the command line where `ps` shows it. Returns the
 * file's path.
 */
export function writeRedisConf(
  ctx: ComponentContext,
  { host, port, password }: { host: string; port: number; password: string | undefined },
): string {
  mkdirSync(join(ctx.dir, 'data'), { recursive: true });
  const conf = join(ctx.dir, 'redis.conf');
  writeFileSync(
    conf,
    [
      `bind ${host}`,
      `port ${port}`,
      'protected-mode yes',
      `requirepass ${password}`,
      `dir ${join(ctx.dir, 'data')}`,
      'appendonly yes',
      'daemonize no',
      'save 60 1000',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return conf;
}
