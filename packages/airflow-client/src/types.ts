// Names for the generated OpenAPI types that callers use. Every shape comes from Airflow's own
// spec (src/generated/airflow-api.ts); nothing here restates a field.
import type { components, operations } from './generated/airflow-api.js';

type Schemas = components['schemas'];

export type Dag = Schemas['DAGResponse'];
export type DagPatchBody = Schemas['DAGPatchBody'];
export type DagRun = Schemas['DAGRunResponse'];
/** A task of a DAG as parsed (`GET /dags/{dag_id}/tasks`). */
export type DagTask = Schemas['TaskResponse'];
/** A DAG file's text as parsed (`GET /dagSources/{dag_id}`). */
export type DagSource = Schemas['DAGSourceResponse'];
export type DagRunState = Schemas['DagRunState'];
export type DagRunPatchBody = Schemas['DAGRunPatchBody'];
export type TriggerDagRunBody = Schemas['TriggerDAGRunPostBody'];
export type TaskInstance = Schemas['TaskInstanceResponse'];
export type TaskInstanceState = Schemas['TaskInstanceState'];
export type TaskLog = Schemas['TaskInstancesLogResponse'];
export type StructuredLogMessage = Schemas['StructuredLogMessage'];
export type Variable = Schemas['VariableResponse'];
export type VariableBody = Schemas['VariableBody'];
export type Connection = Schemas['ConnectionResponse'];
export type ConnectionBody = Schemas['ConnectionBody'];
export type Pool = Schemas['PoolResponse'];
export type PoolBody = Schemas['PoolBody'];
export type PoolPatchBody = Schemas['PoolPatchBody'];
export type XCom = Schemas['XComResponse'];
export type XComCreateBody = Schemas['XComCreateBody'];
export type XComUpdateBody = Schemas['XComUpdateBody'];
export type XComEntry = Schemas['XComResponseNative'];
export type HealthInfo = Schemas['HealthInfoResponse'];
export type ImportError = Schemas['ImportErrorResponse'];
export type VersionInfo = Schemas['VersionInfo'];

/** The query parameters of an operation, by its operationId. */
export type QueryOf<Operation extends keyof operations> = NonNullable<
  operations[Operation]['parameters']['query']
>;

/**
 * The filters of a list operation. `limit` is the page size; the offset (and Airflow's cursor)
 * are the iterator's business.
 */
export type ListQuery<Operation extends keyof operations> = Omit<
  QueryOf<Operation>,
  'offset' | 'cursor'
>;

/** A DAG run state after which nothing more happens. */
export const TERMINAL_DAG_RUN_STATES: ReadonlySet<DagRunState> = new Set(['success', 'failed']);
