import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { postgresUrl } from '@datapark/config';
import type { LessonContext } from './lesson-context.js';

/** One node's outcome in dbt's `run_results.json`. */
export interface DbtNodeResult {
  /** `model.<project>.<name>`, `test.<project>.<test name>.<hash>`. */
  readonly unique_id: string;
  /** Models: success | error | skipped; tests: pass | fail | warn | error | skipped. */
  readonly status: string;
  readonly message: string | null;
  /** A test's failing rows. */
  readonly failures: number | null;
}

export interface DbtRun {
  /** dbt's exit code: 0 all passed, 1 a node failed, 2 dbt itself failed (a parse error). */
  readonly exit: number | string;
  /** dbt's last lines (its log on stdout). */
  readonly output: string;
  /** The nodes it ran; empty when it stopped before running any. */
  readonly results: readonly DbtNodeResult[];
}

/** Where the platform's dbt is: `.venv-dbt` of the checkout (tools/ci/dbt.sh installs it). */
export const dbtExecutable = (root: string) => join(root, '.venv-dbt', 'bin', 'dbt');

/**
 * Runs `dbt <args>` on a project as the `lab` role (its connection from the endpoints file, in
 * the environment the project's profiles.yml reads, never in a file), with the target and log
 * folders inside the project. Resolves once dbt exits, with what `run_results.json` says.
 */
export async function runDbtAsLab(
  context: LessonContext,
  projectDir: string,
  args: readonly string[],
): Promise<DbtRun> {
  postgresUrl(context.config, 'lab'); // throws, naming the key and the fix, without a password
  const { host, port, database, roles } = context.config.postgres;
  const target = join(projectDir, 'target');
  rmSync(join(target, 'run_results.json'), { force: true });
  const child = spawn(
    dbtExecutable(context.root),
    [
      ...args,
      '--project-dir',
      projectDir,
      '--profiles-dir',
      projectDir,
      '--target-path',
      target,
      '--log-path',
      join(projectDir, 'logs'),
    ],
    {
      cwd: projectDir,
      env: {
        ...process.env,
        DATAPARK_DBT_HOST: host,
        DATAPARK_DBT_PORT: String(port),
        DATAPARK_DBT_DATABASE: database,
        DATAPARK_DBT_USER: roles.lab.user,
        DATAPARK_DBT_PASSWORD: roles.lab.password ?? '',
        DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
        DBT_USE_COLORS: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-6000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  const file = join(target, 'run_results.json');
  const results = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { results: DbtNodeResult[] }).results
    : [];
  return { exit: code ?? signal ?? 'unknown', output: tail.trim(), results };
}
