import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from './fixtures.js';

const project = join(workspaceRoot, 'packages', 'airflow-client');

describe('the generated OpenAPI types', () => {
  it('match the spec of the Airflow installed in the venv (else: npx nx run airflow-client:generate)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'airflow-types-'));
    try {
      await promisify(execFile)(
        process.execPath,
        [join(project, 'scripts', 'generate-types.mjs'), '--out-dir', out],
        { cwd: project },
      );
      for (const file of ['airflow-api.ts', 'simple-auth-api.ts']) {
        const fresh = readFileSync(join(out, file), 'utf8');
        const committed = readFileSync(join(project, 'src', 'generated', file), 'utf8');
        if (fresh !== committed) {
          throw new Error(
            `src/generated/${file} is stale: it does not match the OpenAPI spec of the Airflow in .venv.\n` +
              '  Fix: npx nx run airflow-client:generate, then commit src/generated/',
          );
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
