import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// lab/ as a learner finds it: their files never show in git, their scripts import the
// workspace's packages with nothing linked or installed, and their editor gets the real types.
const lab = join(import.meta.dirname, '..');
const root = join(lab, '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

/** Files a learner might add, removed after each test (they are ignored anyway). */
const added: string[] = [];
function learnerFile(path: string, content: string): string {
  const file = join(lab, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  added.push(file);
  return file;
}
afterEach(() => {
  for (const file of added.splice(0)) {
    rmSync(file, { force: true });
    // A folder the test made for the file (data-<id>/) goes too; the skeleton's folders stay.
    const dir = dirname(file);
    if (/\/data-[^/]+$/.test(dir)) rmSync(dir, { recursive: true, force: true });
  }
});

const SKELETON = [
  'lab/.gitignore',
  'lab/README.md',
  'lab/project.json',
  'lab/tsconfig.json',
  'lab/jest.config.js',
  'lab/scripts/first-pipeline.ts',
  'lab/scripts/query.ts',
  'lab/scripts/query-lake.ts',
  'lab/scripts/submit-spark-job.ts',
  'lab/scripts/trigger-dag.ts',
  'lab/dags/lab_first_dag.py',
  'lab/spark/first_job.py',
  'lab/test/tsconfig.json',
  'lab/test/fixtures.ts',
  'lab/test/workspace.test.ts',
  'lab/test/first-pipeline.test.ts',
  'lab/test/submit-spark-job.test.ts',
  'lab/test/trigger-dag.test.ts',
  'lab/test/query-lake.test.ts',
];

describe('the lab workspace', () => {
  it("keeps a learner's files out of git status, wherever in lab/ they are", () => {
    const id = randomUUID().slice(0, 8);
    const files = [
      learnerFile(`notes-${id}.md`, '# my notes\n'),
      learnerFile(`scripts/mine-${id}.ts`, 'console.log(1);\n'),
      learnerFile(`dags/my_dag_${id}.py`, '# a DAG\n'),
      learnerFile(`dags/__pycache__/my_dag_${id}.cpython-311.pyc`, ''),
      learnerFile(`spark/my_job_${id}.py`, '# a job\n'),
      learnerFile(`test/mine-${id}.test.ts`, '// a test of mine\n'),
      learnerFile(`data-${id}/orders.csv`, 'id\n1\n'),
    ].map((file) => relative(root, file));
    expect(git('status', '--porcelain', '--untracked-files=all', '--', ...files)).toBe('');
    expect(
      git('check-ignore', ...files)
        .trim()
        .split('\n'),
    ).toEqual(files);
  });

  it('tracks the skeleton: no example is ignored', () => {
    // --no-index: the patterns alone decide, as for a fresh file of the same name.
    const result = spawnSync('git', ['check-ignore', '--no-index', ...SKELETON], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1); // git check-ignore: 1 = none of them is ignored
  });

  it('resolves @datapark/* from the checkout, with nothing linked or installed in lab/', () => {
    const probe = learnerFile(
      `scripts/resolve-${randomUUID().slice(0, 8)}.ts`,
      "for (const name of ['config', 'db', 'events', 'kafka', 'spark-client', 'airflow-client'])\n" +
        '  console.log(import.meta.resolve(`@datapark/${name}`));\n',
    );
    const out = execFileSync(process.execPath, [probe], { cwd: lab, encoding: 'utf8' });
    // Each package's build in this checkout (airflow-client builds ESM under dist/esm/).
    const resolved = out.trim().split('\n');
    expect(resolved).toHaveLength(6);
    ['config', 'db', 'events', 'kafka', 'spark-client', 'airflow-client'].forEach((name, i) =>
      expect(resolved[i]).toMatch(
        new RegExp(`^file://${join(root, 'packages', name, 'dist')}/(esm/)?index\\.js$`),
      ),
    );
    expect(existsSync(join(lab, 'node_modules'))).toBe(false);
  });

  it("gives the editor the SDKs' own types: a misuse fails tsc with lab/tsconfig.json", () => {
    const id = randomUUID().slice(0, 8);
    const probe = learnerFile(
      `scripts/types-${id}.ts`,
      "import { loadConfig, postgresUrl } from '@datapark/config';\n" +
        "import { createDb } from '@datapark/db';\n" +
        'const config = loadConfig();\n' +
        "postgresUrl(config, 'lab');\n" +
        "await createDb(config, 'lab').selectFrom('processed.daily_sales').select('revenue').execute();\n" +
        "postgresUrl(config, 'nobody');\n" +
        "await createDb(config, 'lab').selectFrom('processed.daily_sales').select('no_such_column').execute();\n",
    );
    // Only the probe, with lab/tsconfig.json's settings: what the editor checks it with.
    const project = learnerFile(
      `types-${id}.tsconfig.json`,
      JSON.stringify({ extends: './tsconfig.json', include: [], files: [relative(lab, probe)] }),
    );
    const tsc = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project],
      { cwd: lab, encoding: 'utf8' },
    );
    // Lines 4 and 5 are right; 6 names a role that does not exist, 7 a column processed
    // .daily_sales does not have.
    const errors = tsc.stdout.split('\n').filter((line) => / error TS\d+/.test(line));
    expect(errors.map((line) => /\((\d+),\d+\): error (TS\d+)/.exec(line)?.slice(1))).toEqual([
      ['6', 'TS2345'],
      ['7', 'TS2769'],
    ]);
    expect(errors[0]).toContain(`Argument of type '"nobody"'`);
    expect(tsc.stdout).toContain(`Argument of type '"no_such_column"'`);
  });
});
