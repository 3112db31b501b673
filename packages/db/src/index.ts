export { CopyRowError } from './copy/copy-error.js';
export { DbError } from './db-error.js';
export { PostgresConnectionError } from './connection-error.js';
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
export { createMigrator, migrateToLatest } from './migrate.js';
export {
  ANALYTICS_SCHEMA,
  DBT_READS,
  LAB_READS,
  LAB_SCHEMA,
  RAW_EVENT_TABLES,
  SCHEMAS,
  type SchemaName,
} from './schema/layout.js';
export { migrations } from './migrations/index.js';
export { COMPONENT_ROLES, createRolesAndDatabases } from './provision/create-roles.js';
export {
  labWorkspaceStatements,
  provisionLabWorkspace,
  type LabWorkspaceNames,
} from './provision/lab-workspace.js';
export {
  dbtWorkspaceStatements,
  provisionDbtWorkspace,
  type DbtWorkspaceNames,
} from './provision/dbt-workspace.js';
export {
  SUPERSET_METADATA_DATABASE,
  SUPERSET_METADATA_ROLE,
  SUPERSET_READER_ROLE,
  SUPERSET_READS,
  SUPERSET_READS_TABLES,
  supersetReaderStatements,
  type SupersetReaderNames,
} from './provision/superset-reader.js';
export {
  LAKE_CATALOG_ROLE_ATTRIBUTES,
  lakeCatalogStatements,
  provisionLakeCatalog,
  type LakeCatalogNames,
} from './provision/lake-catalog.js';
export { provisionDatabase } from './provision/provision-database.js';
export type * from './schema/column-types.js';
export type { Database, TableName } from './schema/database.js';
export type * from './schema/etl.js';
export type * from './schema/processed.js';
export type * from './schema/quality.js';
export type * from './schema/raw.js';
export type * from './schema/source.js';
