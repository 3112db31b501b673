import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'apps', 'datapark-cli', 'dist', 'cli.js');
const CONTRACTS = join(ROOT, 'packages', 'events', 'contracts');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'contracts', ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    timeout: 60_000,
  });

describe('datapark contracts', () => {
  it('lists every subject with its published versions and rule', () => {
    const result = run('list');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^clickstream-page_view\s+1, 2\s+BACKWARD_TRANSITIVE$/m);
    expect(result.stdout).toMatch(/^order-events-order_placed\s+1\s+BACKWARD_TRANSITIVE$/m);
    const rows = JSON.parse(run('list', '--json').stdout) as { subject: string }[];
    expect(rows.map((r) => r.subject).sort()).toEqual(readdirSync(CONTRACTS).sort());
  });

  it('shows a subject: its rule, the file of each version and the field v2 added', () => {
    const result = run('show', 'clickstream-page_view');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('compatibility  BACKWARD_TRANSITIVE');
    expect(result.stdout).toContain('v2  packages/events/contracts/clickstream-page_view/v2.json');
    expect(result.stdout).toMatch(/v2 .*\n\s+\+ payload\.device \(optional\)/);
    const v2 = JSON.parse(run('show', 'clickstream-page_view', '--version', '2').stdout);
    expect(v2.properties.schema_version).toEqual({ type: 'integer', const: 2 });
  });

  it('names an unknown subject and the one meant', () => {
    const result = run('show', 'page_view');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /unknown subject page_view; did you mean clickstream-page_view\?/,
    );
  });

  it('checks what CI checks: passes on the committed contracts, fails on an edited published version with the subject and the fix', () => {
    const ok = run('check');
    expect(ok.status).toBe(0);
    const subjects = readdirSync(CONTRACTS);
    const versions = subjects.flatMap((s) => readdirSync(join(CONTRACTS, s)));
    expect(ok.stdout).toMatch(
      new RegExp(
        `^✓ ${subjects.length} subjects, ${versions.length} versions: every version published unchanged`,
      ),
    );

    const dir = mkdtempSync(join(tmpdir(), 'contracts-cli-'));
    try {
      cpSync(CONTRACTS, dir, { recursive: true });
      const file = join(dir, 'order-events-order_paid', 'v1.json');
      const schema = JSON.parse(readFileSync(file, 'utf8'));
      schema.properties.payload.properties.amount = { type: 'number' };
      writeFileSync(file, JSON.stringify(schema));
      const broken = run('check', '--dir', dir);
      expect(broken.status).toBe(1);
      expect(broken.stdout).toMatch(
        /^✗ EDITED: order-events-order_paid v1: the zod schema no longer matches the published .*revert the edit and add version 2/m,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
