// Builds the package in the current directory twice: ESM into dist/esm (what `import` and Deno
// notebooks load) and CommonJS into dist/cjs (what `require` loads). dist/cjs gets its own
// package.json, since the package's "type": "module" would otherwise make Node read the CommonJS
// files as ESM. Used by the packages a CommonJS script may require: @datapark/airflow-client and
// the @datapark/http core it stands on.
// https://nodejs.org/api/packages.html#dual-commonjses-module-packages
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const project = process.cwd();
const tsc = join(import.meta.dirname, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');

rmSync(join(project, 'dist'), { recursive: true, force: true });
for (const tsconfig of ['tsconfig.lib.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', tsconfig], { cwd: project, stdio: 'inherit' });
}
mkdirSync(join(project, 'dist', 'cjs'), { recursive: true });
writeFileSync(join(project, 'dist', 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
