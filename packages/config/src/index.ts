export { scrapeTargetsDir, statsdAddress, STATSD_PORT_OFFSET } from './app-metrics.js';
export { closestNames, editDistance } from './closest-names.js';
export { ConfigError, type ConfigProblem } from './config-error.js';
export { DataparkError, type DataparkErrorOptions } from './datapark-error.js';
export {
  postgresUrl,
  redactConfig,
  redisUrl,
  s3Connection,
  type S3Connection,
} from './connection-urls.js';
export {
  endpointOrigin,
  ENDPOINTS,
  overriddenEndpoints,
  type EndpointName,
  type EndpointOrigin,
} from './endpoint-origin.js';
export { LAKE_REDACTION_REGEX, lakeSparkConf } from './lake-catalog.js';
export { readEndpointsFile, writeEndpointsFile, type EndpointsDocument } from './endpoints-file.js';
export {
  CONFIG_KEYS,
  LAKE_CATALOG,
  POSTGRES_ROLES,
  POSTGRES_ROLE_USERS,
  S3_BUCKETS,
  type KeySpec,
  type PostgresRole,
  type S3Bucket,
} from './keys.js';
export {
  loadConfig,
  type ConfigOverrides,
  type DataparkConfig,
  type LoadConfigOptions,
  type PostgresRoleCredentials,
} from './load-config.js';
export {
  ENDPOINTS_FILE_NAME,
  STATE_DIR_NAME,
  resolveEndpointsFile,
  resolveStateDir,
} from './state-dir.js';
export { readStatePointer, statePointerFile } from './state-pointer.js';
export { valueOrigin, type ValueOrigin } from './value-origin.js';
export { findWorkspaceRoot, WORKSPACE_MARKER } from './workspace-root.js';
