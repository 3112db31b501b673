import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import type { PostgresRole } from '@datapark/config';
import { POSTGRES_ROLES, postgresUrl } from '@datapark/config';
import { provisionDatabase } from '@datapark/db';
import { PlatformError } from '../../errors.js';
import type { ComponentContext, ComponentStatus, LocalComponent } from '../component.js';
import { singleProcessStatus } from '../component.js';
import { runningPid } from '../daemon.js';
import { assertPortFree } from '../ports.js';
import { postgresBinDirs, requireExecutable } from '../prerequisites.js';
import type { OsUser } from '../run-as.js';
import { canWrite, chownTo, commandAs, isRoot, lookupUser } from '../run-as.js';
import { generateSecret } from '../secrets.js';
import { waitUntil } from '../wait-until.js';

const NAME = 'postgres';
const INSTALL = { debianPackage: 'postgresql' };

interface PostgresPaths {
  readonly root: string;
  readonly data: string;
  readonly log: string;
}

/**
 * PostgreSQL from Debian's package, with its own data directory under the state directory,
 * listening on 127.0.0.1 only, password (SCRAM) authentication for every role.
 */
export function postgresComponent(): LocalComponent {
  const bin = (ctx: ComponentContext, name: string) =>
    requireExecutable(NAME, name, INSTALL, postgresBinDirs());
  const osUser = (): OsUser | undefined => {
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
  };

  /**
   * The data directory lives under the state directory unless the `postgres` user cannot reach
   * it (a checkout under /root when running as root): then under /var/lib/datapark, keyed by
   * the state directory so two checkouts never share one.
   */
  const paths = (ctx: ComponentContext): PostgresPaths => {
    const user = osUser();
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
  };

  const run = async (ctx: ComponentContext, name: string, args: string[]) => {
    const [command, fullArgs] = commandAs(osUser(), bin(ctx, name), args);
    return execa(command, fullArgs, { reject: false, all: true });
  };

  /** Generates the passwords not yet in the endpoints file, and publishes them first. */
  const ensurePasswords = (ctx: ComponentContext): void => {
    const missing: Partial<Record<PostgresRole, { password: string }>> = {};
    for (const role of POSTGRES_ROLES) {
      if (!ctx.config.postgres.roles[role].password) missing[role] = { password: generateSecret() };
    }
    if (Object.keys(missing).length > 0) ctx.publish({ postgres: { roles: missing } });
  };

  const isRunning = (ctx: ComponentContext): number | undefined =>
    runningPid(join(paths(ctx).data, 'postmaster.pid'));

  const accepts = async (ctx: ComponentContext): Promise<boolean> => {
    const client = new pg.Client({
      connectionString: postgresUrl(ctx.config, 'admin', 'postgres'),
      connectionTimeoutMillis: 2000,
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  const initialise = async (ctx: ComponentContext, p: PostgresPaths): Promise<void> => {
    ctx.reporter.step(NAME, `initialising a new cluster in ${p.data}`);
    const user = osUser();
    const pwFile = join(p.root, '.initdb-password');
    writeFileSync(pwFile, ctx.config.postgres.roles.admin.password + '\n', { mode: 0o600 });
    chownTo(user, pwFile);
    try {
      const result = await run(ctx, 'initdb', [
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
  };

  return {
    name: NAME,
    description: 'PostgreSQL (Debian package), databases datapark and airflow',
    dependsOn: [],
    units: [NAME],

    async checkPrerequisites(ctx) {
      bin(ctx, 'initdb');
      bin(ctx, 'pg_ctl');
      osUser();
    },

    async start(ctx) {
      ensurePasswords(ctx);
      const p = paths(ctx);
      const { host, port } = ctx.config.postgres;
      ctx.publish({ postgres: { host, port } });
      if (isRunning(ctx)) {
        ctx.reporter.step(NAME, `already running on ${host}:${port}`);
      } else {
        if (!existsSync(join(p.data, 'PG_VERSION'))) await initialise(ctx, p);
        await assertPortFree(NAME, host, port, 'DATAPARK_POSTGRES_PORT');
        mkdirSync(ctx.logDir, { recursive: true });
        if (!existsSync(p.log)) writeFileSync(p.log, '');
        chownTo(osUser(), p.log);
        ctx.reporter.step(NAME, `starting on ${host}:${port}`);
        const result = await run(ctx, 'pg_ctl', [
          '-D',
          p.data,
          '-l',
          p.log,
          '-o',
          `-p ${port}`,
          'start',
        ]);
        if (result.exitCode !== 0) {
          throw new PlatformError(`pg_ctl start failed:\n${result.all}`, NAME, `see ${p.log}`);
        }
      }
      await waitUntil(() => accepts(ctx), {
        component: NAME,
        what: 'PostgreSQL to accept connections',
        timeoutMs: 60_000,
        reporter: ctx.reporter,
        fix: `see ${p.log}`,
      });
    },

    async provision(ctx) {
      ctx.reporter.step(NAME, 'creating roles and databases, running migrations');
      await provisionDatabase(ctx.config);
    },

    async stop(ctx) {
      const p = paths(ctx);
      if (!isRunning(ctx)) return;
      const result = await run(ctx, 'pg_ctl', ['-D', p.data, '-m', 'fast', '-w', 'stop']);
      if (result.exitCode !== 0) {
        throw new PlatformError(`pg_ctl stop failed:\n${result.all}`, NAME, `see ${p.log}`);
      }
    },

    async status(ctx): Promise<ComponentStatus> {
      const { host, port } = ctx.config.postgres;
      return singleProcessStatus(NAME, isRunning(ctx), () => accepts(ctx), `${host}:${port}`);
    },

    logFiles(ctx) {
      return [join(ctx.logDir, 'postgres.log')];
    },

    async purge(ctx) {
      const p = paths(ctx);
      if (p.root !== ctx.dir) rmSync(p.root, { recursive: true, force: true });
    },
  };
}
