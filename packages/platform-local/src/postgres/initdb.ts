import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { chownTo } from '../run-as.js';
import { NAME } from './binaries.js';
import type { PostgresPaths } from './data-dir.js';
import { postgresOsUser, runPostgresCommand } from './os-user.js';

/**
 * A new cluster in `p.data`: initdb with the admin role's generated password (SCRAM for every
 * role), then our settings: loopback only, no Unix socket.
 */
export async function initialiseCluster(ctx: ComponentContext, p: PostgresPaths): Promise<void> {
  ctx.reporter.step(NAME, `initialising a new cluster in ${p.data}`);
  const user = postgresOsUser();
  const pwFile = join(p.root, '.initdb-password');
  writeFileSync(pwFile, ctx.config.postgres.roles.admin.password + '\n', { mode: 0o600 });
  chownTo(user, pwFile);
  try {
    const result = await runPostgresCommand('initdb', [
      '-D',
      p.data,
      `--username=${ctx.config.postgres.roles.admin.user}`,
      `--pwfile=${pwFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    if (result.exitCode !== 0) {
      throw new PlatformError(
        `initdb failed:\n${result.all}`,
        NAME,
        `remove ${p.data} and run up again`,
      );
    }
  } finally {
    rmSync(pwFile, { force: true });
  }
  // Loopback only; no Unix socket (its path would be too long under deep checkouts).
  appendFileSync(
    join(p.data, 'postgresql.conf'),
    [
      '',
      '# Data Park local platform',
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      'max_connections = 200',
      'shared_buffers = 128MB',
      "password_encryption = 'scram-sha-256'",
      "log_line_prefix = '%m [%p] %q%u@%d '",
      '',
    ].join('\n'),
  );
}
