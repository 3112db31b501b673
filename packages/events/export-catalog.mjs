// Publishes new contract versions under contracts/ and writes json-schema/catalog.json, from
// the built package: `npx nx run events:export-schemas`. A change to a published version, or a
// new version that breaks its topic's compatibility rule, is refused with the reason.
import { mkdirSync, writeFileSync } from 'node:fs';
import { ContractPublishError, exportCatalog, publishContracts } from './dist/index.js';

try {
  const written = publishContracts();
  for (const file of written) console.log(`published ${file}`);
  if (written.length === 0) console.log('contracts: every version is published already');
} catch (error) {
  if (!(error instanceof ContractPublishError)) throw error;
  console.error(`export-schemas: ${error.message}`);
  process.exit(1);
}
mkdirSync(new URL('./json-schema/', import.meta.url), { recursive: true });
const file = new URL('./json-schema/catalog.json', import.meta.url);
writeFileSync(file, JSON.stringify(exportCatalog(), null, 2) + '\n');
console.log(`wrote ${file.pathname}`);
