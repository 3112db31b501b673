import type { Migration } from 'kysely/migration';
import * as schemas from './0001-schemas.js';
import * as tables from './0002-tables.js';
import * as grants from './0003-grants.js';
import * as ledger from './0004-pipeline-ledger.js';

/**
 * Every migration, in order. Listed statically (not read from a folder) so they work the same
 * from dist/, from ts-jest and from a bundled notebook kernel.
 */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-schemas': schemas,
  '0002-tables': tables,
  '0003-grants': grants,
  '0004-pipeline-ledger': ledger,
});
