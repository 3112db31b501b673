import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';

export const NAME = 'superset';

/**
 * Where Superset's files are: the venv (tools/ci/superset.sh), the configuration, provisioning
 * script and dashboards as code in the checkout (packages/platform-local/superset), and what the
 * platform generates under its state directory.
 */
export function supersetPaths(ctx: Pick<ComponentContext, 'dir' | 'logDir' | 'workspaceRoot'>) {
  const venv = join(ctx.workspaceRoot, '.venv-superset');
  const assets = join(ctx.workspaceRoot, 'packages', 'platform-local', 'superset');
  return {
    venv,
    python: join(venv, 'bin', 'python'),
    gunicorn: join(venv, 'bin', 'gunicorn'),
    configFile: join(assets, 'superset_config.py'),
    provisionScript: join(assets, 'provision.py'),
    /** The dashboards as code: Superset's export format (YAML), imported at every `up`. */
    dashboards: join(assets, 'assets'),
    /** SECRET_KEY, the metadata URI and the passwords the provisioning needs (0600). */
    secretsFile: join(ctx.dir, 'secrets.json'),
    /** The Superset version and alembic revision its migrations and `superset init` left. */
    migratedStamp: join(ctx.dir, 'migrated'),
    /** SUPERSET_HOME: Superset's own data directory (uploads, its key files). */
    home: join(ctx.dir, 'home'),
    pidFile: join(ctx.dir, 'superset.pid'),
    logFile: join(ctx.logDir, 'superset.log'),
  };
}
