// spark/files/jobs/: the PySpark jobs, the Python SDK and the events catalog they read, at their
// repository paths: a job finds src/, packages/python-sdk/src and the catalog relative to itself.
import { join } from 'node:path';
import { generatorName, listFiles, repositoryPathsTree, ROOT } from './files.ts';
import type { Delivery } from './files.ts';
import { isPython, PYTHON_SDK_SOURCE } from './python-sdk.ts';

export const sparkJobs: Delivery = {
  folder: 'spark/files/jobs',
  generatedBy: generatorName(import.meta.filename),
  build: () =>
    repositoryPathsTree([
      ...listFiles(join(ROOT, 'apps/spark-jobs/jobs'), isPython),
      ...listFiles(join(ROOT, 'apps/spark-jobs/src'), isPython),
      ...listFiles(join(ROOT, PYTHON_SDK_SOURCE), isPython),
      join(ROOT, 'packages/events/json-schema/catalog.json'),
    ]),
};
