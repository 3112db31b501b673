// Writes json-schema/catalog.json from the built package: `npx nx run events:export-schemas`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { exportCatalog } from './dist/index.js';

mkdirSync(new URL('./json-schema/', import.meta.url), { recursive: true });
const file = new URL('./json-schema/catalog.json', import.meta.url);
writeFileSync(file, JSON.stringify(exportCatalog(), null, 2) + '\n');
console.log(`wrote ${file.pathname}`);
