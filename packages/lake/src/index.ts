export { readCatalogTables, type LakeTable } from './catalog-tables.js';
export {
  defaultExtensionDirectory,
  extensionFiles,
  INSTALL_EXTENSIONS_COMMAND,
  LAKE_EXTENSIONS,
} from './extensions.js';
export { GoldTables, type DayRange, type GoldDailySales } from './gold-tables.js';
export { Lake, type LakeParameter, type LakeRow, type LakeSnapshot } from './lake.js';
export {
  LakeCatalogAccessError,
  LakeError,
  LakeExtensionsMissingError,
  LakeQueryError,
  LakeTableNotFoundError,
} from './lake-error.js';
export { openLake, type OpenLakeOptions } from './open-lake.js';
export { s3SecretStatement } from './s3-secret.js';
