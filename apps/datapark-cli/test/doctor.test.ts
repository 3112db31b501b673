import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const COMPONENTS = [
  'postgres',
  'redis',
  'kafka',
  'objectstore',
  'spark',
  'airflow',
  'jupyter',
  'superset',
  'monitoring',
];

interface Check {
  readonly group: string;
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly finding: string;
  readonly fix?: string;
}

/** Runs `datapark doctor` as a learner would, with `env` added; never rejects on exit code 1. */
async function doctor(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'doctor', ...args], {
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '' };
  }
}

const doctorJson = async (env: NodeJS.ProcessEnv) => {
  const { code, stdout } = await doctor(['--json'], env);
  return { code, checks: JSON.parse(stdout) as Check[] };
};

/** A port held by this test's own process: connections are accepted and dropped at once. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return { server, port: address.port };
}

/** A PATH that finds everything the current one does except `java` (symlinks in one dir). */
function pathWithout(program: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'datapark-path-'));
  // Readable by the postgres user, as PATH's directories are (its status runs `test` as it).
  chmodSync(dir, 0o755);
  for (const entry of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!entry || !existsSync(entry)) continue;
    for (const name of readdirSync(entry)) {
      if (name !== program && !existsSync(join(dir, name)))
        symlinkSync(join(entry, name), join(dir, name));
    }
  }
  return dir;
}

describe('datapark doctor', () => {
  let held: { server: Server; port: number };
  beforeAll(async () => {
    held = await holdPort();
  });
  afterAll(() => new Promise<void>((resolve) => held.server.close(() => resolve())));

  it('reports ✓ for every component of the running platform and exits 0', async () => {
    const { code, stdout } = await doctor([]);
    for (const component of COMPONENTS)
      expect(stdout).toMatch(new RegExp(`^ {2}✓ ${component} +running`, 'm'));
    expect(stdout).toMatch(/^ {2}✓ java +openjdk 17\./m);
    expect(stdout).toMatch(/^\d+ ✓, \d+ !, 0 ✗$/m);
    expect(code).toBe(0);
  });

  it('names this test as the holder of a port a running component is pointed at, and the variable', async () => {
    const { code, checks } = await doctorJson({ DATAPARK_REDIS_PORT: String(held.port) });
    const port = checks.find((c) => c.group === 'ports' && c.name === `127.0.0.1:${held.port}`);
    expect(port).toMatchObject({ status: 'fail' });
    expect(port?.finding).toContain(`held by pid ${process.pid} (`);
    expect(port?.finding).toContain('not by redis (Redis)');
    expect(port?.fix).toContain(`DATAPARK_REDIS_PORT=${held.port} in your environment`);
    expect(checks.find((c) => c.group === 'platform' && c.name === 'redis')?.status).toBe('fail');
    expect(code).toBe(1);
  });

  it('says a stopped component cannot start on a port this test holds, and which variable moves it', async () => {
    // A state directory of its own: there nothing runs, and doctor must write nothing into it.
    const stateDir = mkdtempSync(join(tmpdir(), 'datapark-doctor-'));
    try {
      const { code, checks } = await doctorJson({
        DATAPARK_STATE_DIR: stateDir,
        DATAPARK_REDIS_PORT: String(held.port),
      });
      const port = checks.find((c) => c.name === `127.0.0.1:${held.port}`);
      expect(port).toMatchObject({ group: 'ports', status: 'fail' });
      expect(port?.finding).toContain(`taken by pid ${process.pid} (`);
      expect(port?.finding).toContain('redis (Redis) cannot start');
      expect(port?.fix).toMatch(
        new RegExp(`^stop pid ${process.pid}, or move redis: DATAPARK_REDIS_PORT=\\d+ npx nx`),
      );
      expect(checks.find((c) => c.group === 'platform' && c.name === 'redis')?.status).toBe('warn');
      expect(readdirSync(stateDir)).toEqual([]);
      expect(code).toBe(1);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('fails the Java check without java on PATH, and names the package that brings it', async () => {
    const path = pathWithout('java');
    try {
      const { code, stdout } = await doctor([], { PATH: path });
      expect(stdout).toMatch(
        /^ {2}✗ java +java was not found on PATH: Kafka and Spark run on it$/m,
      );
      expect(stdout).toMatch(
        /^ +Fix: sudo apt-get install openjdk-17-jre-headless \(or: bash tools\/ci\/apt\.sh/m,
      );
      expect(code).toBe(1);
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });
});
