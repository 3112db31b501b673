// jupyter/files/notebooks/: the sample notebooks, which an init container copies into the work
// volume once.
import { collectTree, GENERATED_BY } from './files.ts';
import type { Delivery } from './files.ts';

export const jupyterNotebooks: Delivery = {
  folder: 'jupyter/files/notebooks',
  generatedBy: GENERATED_BY,
  build: () => collectTree('apps/notebooks', (name) => name.endsWith('.ipynb')),
};
