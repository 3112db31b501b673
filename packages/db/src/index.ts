export { createMigrator, migrateAllDown, migrateToLatest } from './migrate.js';
export { migrations } from './migrations/index.js';
export { COMPONENT_ROLES, createRolesAndDatabases } from './provision/create-roles.js';
export { provisionDatabase } from './provision/provision-database.js';
