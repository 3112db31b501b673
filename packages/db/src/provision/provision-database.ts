import type { DataparkConfig } from '@datapark/config';
import { migrateToLatest } from '../migrate.js';
import { createRolesAndDatabases } from './create-roles.js';
import { provisionDbtWorkspace } from './dbt-workspace.js';
import { provisionLabWorkspace } from './lab-workspace.js';
import { provisionLakeCatalog } from './lake-catalog.js';

/**
 * Everything the platform does to a fresh (or existing) PostgreSQL: roles and databases as the
 * bootstrap superuser, then the migrations (tables and grants) as the owner, then the learner's
 * `lab` schema and its grants (which read the migrated tables) as the superuser, then the dbt
 * project's `analytics` schema and its grants the same way, then the lake's Iceberg catalog role
 * and schema. Idempotent.
 */
export async function provisionDatabase(config: DataparkConfig): Promise<void> {
  await createRolesAndDatabases(config);
  await migrateToLatest(config);
  await provisionLabWorkspace(config);
  await provisionDbtWorkspace(config);
  await provisionLakeCatalog(config);
}
