// airflow/files/dags/: the DAG folder's Python files and its .airflowignore, and the Python SDK
// the DAGs import. Tests and packaging stay out of the scheduler's path, and so do the DAGs of
// client_tests/, which only @datapark/airflow-client's tests trigger (the local platform's
// Airflow reads the checkout's folder, so it has them). The SDK goes beside the DAGs: every
// Airflow process has the DAG folder on sys.path, and the .airflowignore keeps the
// dag-processor from parsing the SDK's modules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectTree, generatorName, mergeTrees, ROOT, withoutFolder } from './files.ts';
import type { Delivery, Tree } from './files.ts';
import { isPython, pythonSdkTree } from './python-sdk.ts';

const DAGS = 'apps/airflow-dags/dags';

const isDag = (name: string) =>
  isPython(name) && !name.startsWith('test_') && name !== 'conftest.py';

function airflowIgnore(): Tree {
  const path = join(ROOT, DAGS, '.airflowignore');
  if (!existsSync(path)) return {};
  return {
    '.airflowignore': { content: readFileSync(path, 'utf8'), source: `${DAGS}/.airflowignore` },
  };
}

export const airflowDags: Delivery = {
  folder: 'airflow/files/dags',
  generatedBy: generatorName(import.meta.filename),
  build: () =>
    mergeTrees([
      withoutFolder(collectTree(DAGS, isDag), 'client_tests'),
      airflowIgnore(),
      pythonSdkTree(),
    ]),
};
