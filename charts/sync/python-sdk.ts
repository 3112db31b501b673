import { collectTree } from './files.ts';
import type { Tree } from './files.ts';

export const isPython = (name: string) => name.endsWith('.py');

/** Where the Python SDK's package (datapark_sdk/) lives, relative to the root. */
export const PYTHON_SDK_SOURCE = 'packages/python-sdk/src';

/** The Python SDK's package (datapark_sdk/**), keyed by its import path. */
export const pythonSdkTree = (): Tree => collectTree(PYTHON_SDK_SOURCE, isPython);
