// jupyter/files/notebooks/: the sample notebooks, which an init container copies into the work
// volume once.
import { collectTree, generatorName } from './files.ts';
import type { Delivery } from './files.ts';

export const jupyterNotebooks: Delivery = {
  folder: 'jupyter/files/notebooks',
  generatedBy: generatorName(import.meta.filename),
  build: () => collectTree('apps/notebooks/notebooks', (name) => name.endsWith('.ipynb')),
};
