import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, statePointerFile } from '@datapark/config';
import type { ProgressReporter } from '@datapark/platform';
import { silentReporter } from '@datapark/platform';
import { LocalPlatform } from '@datapark/platform-local';

/**
 * A checkout of its own (nx.json, no components to start) and a user of its own (HOME and
 * XDG_STATE_HOME in temp dirs): `up` here never touches the pointer of the user running tests.
 */
function scene() {
  const base = mkdtempSync(join(tmpdir(), 'datapark-pointer-'));
  const checkout = join(base, 'checkout');
  const elsewhere = join(base, 'scripts');
  mkdirSync(checkout);
  mkdirSync(elsewhere);
  writeFileSync(join(checkout, 'nx.json'), '{}');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: join(base, 'home'),
    XDG_STATE_HOME: join(base, 'xdg-state'),
  };
  const platform = (extra: NodeJS.ProcessEnv = {}, reporter: ProgressReporter = silentReporter) =>
    new LocalPlatform({
      components: [],
      reporter,
      configOptions: { env: { ...env, ...extra }, cwd: checkout },
    });
  return { base, checkout, elsewhere, env, platform, pointer: statePointerFile(env) };
}

describe('the pointer to the platform last started', () => {
  it('is written by up from a checkout, and a script outside any checkout follows it', async () => {
    const s = scene();
    await s.platform().up();
    expect(s.pointer).toBe(join(s.base, 'xdg-state', 'datapark', 'current'));
    expect(readFileSync(s.pointer, 'utf8')).toBe(`${join(s.checkout, '.datapark')}\n`);
    const config = loadConfig({ env: s.env, cwd: s.elsewhere });
    expect(config.stateDir).toBe(join(s.checkout, '.datapark'));
  });

  it('is left alone by a platform whose state directory DATAPARK_STATE_DIR moved', async () => {
    const s = scene();
    await s.platform().up();
    await s.platform({ DATAPARK_STATE_DIR: join(s.base, 'throwaway') }).up();
    expect(readFileSync(s.pointer, 'utf8')).toBe(`${join(s.checkout, '.datapark')}\n`);
  });

  it('goes with the state directory it names on down --purge', async () => {
    const s = scene();
    await s.platform().up();
    await s.platform().down({ purge: true });
    expect(existsSync(join(s.checkout, '.datapark'))).toBe(false);
    expect(existsSync(s.pointer)).toBe(false);
  });

  it('cannot stop up when it cannot be written: a warning names DATAPARK_STATE_DIR', async () => {
    const s = scene();
    writeFileSync(join(s.base, 'xdg-state'), 'a file where a directory should be');
    const warnings: string[] = [];
    await s.platform({}, { ...silentReporter, warn: (_c, message) => warnings.push(message) }).up();
    expect(existsSync(join(s.checkout, '.datapark'))).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(`need DATAPARK_STATE_DIR=${join(s.checkout, '.datapark')}$`),
      ),
    ]);
  });
});
