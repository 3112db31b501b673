import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// Every error Data Park raises on purpose descends from DataparkError (code + hint), through one
// base per package. A bare `new Error(` in source is allowed only to wrap something thrown that
// is not an Error at all (a string, undefined), which has no code of ours to give.
const root = join(import.meta.dirname, '..', '..', '..');
const WRAPS_A_NON_ERROR = /new Error\((String\(|'handler threw undefined'|redactSecrets\()/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'dist' || name === 'node_modules' || name === 'generated'
        ? []
        : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('error roots', () => {
  it('no package or app throws a bare Error: each has a base with a code and a hint', () => {
    const bare = ['packages', 'apps']
      .flatMap((top) => readdirSync(join(root, top)).map((p) => join(root, top, p, 'src')))
      .filter((dir) => {
        try {
          return statSync(dir).isDirectory();
        } catch {
          return false;
        }
      })
      .flatMap(sourceFiles)
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(root, file)}:${i + 1}` }))
          .filter(({ line }) => line.includes('new Error(') && !WRAPS_A_NON_ERROR.test(line)),
      )
      .map(({ at, line }) => `${at}: ${line.trim()}`);
    expect(bare).toEqual([]);
  });
});
