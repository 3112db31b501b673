import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from './fixtures.js';

const run = promisify(execFile);
const dist = join(workspaceRoot, 'packages', 'airflow-client', 'dist');

// What a script or a notebook does: load the built package by name, in a fresh Node process.
const PROBE = `
const { AirflowClient, NotFoundError, ApiError } = MODULE;
const client = new AirflowClient({ baseUrl: 'http://127.0.0.1:1', token: 'x' });
console.log(JSON.stringify({
  client: typeof AirflowClient,
  resources: Object.keys(client).filter((k) => typeof client[k]?.constructor === 'function' && k !== 'http').sort(),
  errors: new NotFoundError(404, 'x', { method: 'GET', url: 'http://h/' }, 'm') instanceof ApiError,
}));
`;

const EXPECTED = {
  client: 'function',
  resources: [
    'baseUrl',
    'connections',
    'dagRuns',
    'dags',
    'importErrors',
    'logs',
    'monitor',
    'pools',
    'taskInstances',
    'variables',
    'version',
    'xcoms',
  ],
  errors: true,
};

beforeAll(() => {
  if (!existsSync(join(dist, 'cjs', 'index.js')) || !existsSync(join(dist, 'esm', 'index.js'))) {
    throw new Error(`${dist} is not built: npx nx run airflow-client:build`);
  }
});

describe('the built package', () => {
  it("loads with require() from CommonJS, through the exports map's require condition", async () => {
    const script = `const path = require.resolve('@datapark/airflow-client'); console.error(path);
      ${PROBE.replace('MODULE', "require('@datapark/airflow-client')")}`;
    const { stdout, stderr } = await run(process.execPath, ['-e', script], { cwd: workspaceRoot });
    expect(stderr.trim()).toBe(join(dist, 'cjs', 'index.js'));
    expect(JSON.parse(stdout)).toEqual(EXPECTED);
  });

  it('loads with import from ESM, through the import condition', async () => {
    const script = `console.error(import.meta.resolve('@datapark/airflow-client'));
      ${PROBE.replace('MODULE', "await import('@datapark/airflow-client')")}`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: workspaceRoot,
    });
    expect(stderr.trim()).toBe(`file://${join(dist, 'esm', 'index.js')}`);
    expect(JSON.parse(stdout)).toEqual(EXPECTED);
  });
});
