import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  ConfigError,
  loadConfig,
  postgresUrl,
  readStatePointer,
  resolveStateDir,
  statePointerFile,
} from '@datapark/config';

/**
 * A world of temp dirs: a home (with the XDG default under it), a checkout (nx.json), a
 * platform's state directory elsewhere, and a directory outside both where scripts run.
 */
function world() {
  const base = mkdtempSync(join(tmpdir(), 'datapark-state-dir-'));
  const dirs = {
    home: join(base, 'home'),
    checkout: join(base, 'checkout'),
    platformState: join(base, 'checkout', '.datapark'),
    elsewhere: join(base, 'scripts'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dirs.checkout, 'nx.json'), '{}');
  mkdirSync(join(dirs.checkout, 'lab', 'scripts'), { recursive: true });
  const env: NodeJS.ProcessEnv = { HOME: dirs.home };
  const point = (target: string, e: NodeJS.ProcessEnv = env) => {
    mkdirSync(dirname(statePointerFile(e)), { recursive: true });
    writeFileSync(statePointerFile(e), `${target}\n`);
  };
  return { ...dirs, env, point };
}

describe('resolveStateDir: where a script finds the platform', () => {
  it('keeps the pointer under XDG_STATE_HOME, by default ~/.local/state, ignoring a relative one', () => {
    expect(statePointerFile({ HOME: '/home/ada' })).toBe('/home/ada/.local/state/datapark/current');
    expect(statePointerFile({ HOME: '/home/ada', XDG_STATE_HOME: '/var/state/ada' })).toBe(
      '/var/state/ada/datapark/current',
    );
    expect(statePointerFile({ HOME: '/home/ada', XDG_STATE_HOME: 'state' })).toBe(
      '/home/ada/.local/state/datapark/current',
    );
  });

  it('takes DATAPARK_STATE_DIR first, over a checkout and over the pointer', () => {
    const w = world();
    w.point(w.platformState);
    const mine = join(w.elsewhere, 'my-state');
    expect(resolveStateDir({ ...w.env, DATAPARK_STATE_DIR: mine }, w.checkout)).toBe(mine);
    expect(resolveStateDir({ ...w.env, DATAPARK_STATE_DIR: mine }, w.elsewhere)).toBe(mine);
  });

  it('takes the checkout around the working directory over the pointer', () => {
    const w = world();
    const other = join(w.elsewhere, 'other-platform');
    mkdirSync(other);
    w.point(other);
    expect(resolveStateDir(w.env, join(w.checkout, 'lab', 'scripts'))).toBe(w.platformState);
  });

  it('follows the pointer from outside any checkout', () => {
    const w = world();
    w.point(w.platformState);
    expect(resolveStateDir(w.env, w.elsewhere)).toBe(w.platformState);
    expect(loadConfig({ env: w.env, cwd: w.elsewhere }).endpointsFile).toBe(
      join(w.platformState, 'endpoints.json'),
    );
  });

  it('reads the pointer where XDG_STATE_HOME puts it', () => {
    const w = world();
    const env = { ...w.env, XDG_STATE_HOME: join(w.elsewhere, 'xdg-state') };
    w.point(w.platformState, env);
    expect(resolveStateDir(env, w.elsewhere)).toBe(w.platformState);
    // The default place holds no pointer: without the variable nothing is found there.
    expect(resolveStateDir(w.env, w.elsewhere)).toBe(join(w.home, '.datapark'));
  });

  it('ignores a pointer whose directory is gone, or that is not an absolute path', () => {
    const w = world();
    const gone = join(w.elsewhere, 'purged');
    mkdirSync(gone);
    w.point(gone);
    expect(readStatePointer(w.env)).toBe(gone);
    rmSync(gone, { recursive: true });
    expect(readStatePointer(w.env)).toBeUndefined();
    expect(resolveStateDir(w.env, w.elsewhere)).toBe(join(w.home, '.datapark'));
    w.point('relative/.datapark');
    expect(readStatePointer(w.env)).toBeUndefined();
  });

  it('with nothing found, fails on the first credential naming DATAPARK_STATE_DIR, the pointer and up', () => {
    const w = world();
    const config = loadConfig({ env: w.env, cwd: w.elsewhere });
    expect(config.stateDir).toBe(join(w.home, '.datapark'));
    let error: unknown;
    try {
      postgresUrl(config, 'lab');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(
      `${join(w.home, '.datapark', 'endpoints.json')} (which does not exist)`,
    );
    expect(message).toContain(
      'set DATAPARK_STATE_DIR to its state directory (export DATAPARK_STATE_DIR=/path/to/checkout/.datapark)',
    );
    expect(message).toContain('npx nx run platform:up');
    expect(message).toContain('DATAPARK_POSTGRES_LAB_PASSWORD');
  });
});
