export { CopyRowError } from './copy/copy-error.js';
export {
  copyRows,
  copyRowsInTransaction,
  type CopyOptions,
  type CopyResult,
  type CopyRow,
} from './copy/copy-rows.js';
export { encodeCopyLine, encodeCopyValue } from './copy/encode-copy-text.js';
export {
  createDb,
  createPool,
  pgTypes,
  type ClientBase,
  type Pool,
  type PoolClient,
} from './create-db.js';
export { withPoolClient } from './with-pool-client.js';
export { createMigrator, migrateAllDown, migrateToLatest } from './migrate.js';
export { SCHEMAS } from './migrations/0001-schemas.js';
export { RAW_EVENT_TABLES } from './migrations/0002-tables.js';
export { GRANTS } from './migrations/0003-grants.js';
export { migrations } from './migrations/index.js';
export { COMPONENT_ROLES, createRolesAndDatabases } from './provision/create-roles.js';
export { provisionDatabase } from './provision/provision-database.js';
export type * from './schema/column-types.js';
export type { Database, TableName } from './schema/database.js';
export type * from './schema/etl.js';
export type * from './schema/processed.js';
export type * from './schema/quality.js';
export type * from './schema/raw.js';
export type * from './schema/source.js';
