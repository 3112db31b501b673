import type { Migration } from 'kysely/migration';
import * as schemas from './0001-schemas.js';

/**
 * Every migration, in order. Listed statically (not read from a folder) so they work the same
 * from dist/, from ts-jest and from a bundled notebook kernel.
 */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-schemas': schemas,
});
