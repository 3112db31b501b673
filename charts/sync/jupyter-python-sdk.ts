// jupyter/files/python-sdk/: the Python SDK (datapark_sdk/) the PySpark kernel imports.
import { generatorName } from './files.ts';
import type { Delivery } from './files.ts';
import { pythonSdkTree } from './python-sdk.ts';

export const jupyterPythonSdk: Delivery = {
  folder: 'jupyter/files/python-sdk',
  generatedBy: generatorName(import.meta.filename),
  build: pythonSdkTree,
};
