// Builds the package twice: ESM into dist/esm (what `import` and Deno notebooks load) and
// CommonJS into dist/cjs (what `require` loads). dist/cjs gets its own package.json, since the
// package's "type": "module" would otherwise make Node read the CommonJS files as ESM.
// https://nodejs.org/api/packages.html#dual-commonjses-module-packages
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const project = join(import.meta.dirname, '..');
const tsc = join(project, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');

rmSync(join(project, 'dist'), { recursive: true, force: true });
for (const tsconfig of ['tsconfig.lib.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', tsconfig], { cwd: project, stdio: 'inherit' });
}
mkdirSync(join(project, 'dist', 'cjs'), { recursive: true });
writeFileSync(join(project, 'dist', 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
