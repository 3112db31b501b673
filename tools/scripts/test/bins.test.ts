// The workspace's commands (`npx datapark`, `npx datapark-etl`, `npx event-generator`) run from
// node_modules/.bin as a learner types them: the file a bin names must be executable when npm
// links it, which a build output written later by tsc is not.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');

const bins = ['apps', 'packages'].flatMap((dir) =>
  readdirSync(join(root, dir)).flatMap((name) => {
    const file = join(root, dir, name, 'package.json');
    let manifest: { bin?: Record<string, string> };
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return [];
    }
    return Object.entries(manifest.bin ?? {}).map(([command, path]) => ({
      command,
      target: join(root, dir, name, path),
    }));
  }),
);

describe('the workspace commands in node_modules/.bin', () => {
  it('are the three the README names', () => {
    expect(bins.map((b) => b.command).sort()).toEqual([
      'datapark',
      'datapark-etl',
      'event-generator',
    ]);
  });

  it.each(bins)(
    '$command is linked to its committed, executable bin file',
    ({ command, target }) => {
      const link = join(root, 'node_modules', '.bin', command);
      expect(realpathSync(link)).toBe(realpathSync(target));
      expect(statSync(target).mode & 0o111).toBe(0o111);
    },
  );

  it.each(bins)(
    '$command --help runs as a command (no `node` in front) and exits 0',
    ({ command }) => {
      const result = spawnSync(join(root, 'node_modules', '.bin', command), ['--help'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.error).toBeUndefined();
      expect(result.stdout).toMatch(new RegExp(`^Usage: ${command}\\b`));
      expect(result.status).toBe(0);
    },
  );
});
