import type { DataparkConfig, EndpointsDocument } from '@datapark/config';
import type { ProgressReporter } from './progress.js';

/** What a component gets to work with: where its state lives, the config, a reporter. */
export interface ComponentContext {
  /** The platform's state directory (`.datapark/`). */
  readonly stateDir: string;
  /** This component's own directory under the state directory. */
  readonly dir: string;
  /** Where every component writes its logs (`.datapark/logs/`). */
  readonly logDir: string;
  /** The root of the Data Park checkout (DAGs, jobs and notebooks are found from here). */
  readonly workspaceRoot: string;
  /** The configuration as it stands now: reloaded after each component publishes endpoints. */
  readonly config: DataparkConfig;
  readonly reporter: ProgressReporter;
  /** Merges endpoints and credentials into the endpoints file (mode 0600). */
  publish(patch: EndpointsDocument): void;
}

export type ComponentState = 'running' | 'stopped' | 'degraded';

export interface UnitStatus {
  readonly name: string;
  readonly state: ComponentState;
  readonly pid?: number;
  readonly detail?: string;
}

export interface ComponentStatus {
  readonly component: string;
  readonly state: ComponentState;
  /** Where to reach it, for the status table: `127.0.0.1:15432`. */
  readonly endpoint?: string;
  readonly units: readonly UnitStatus[];
  readonly detail?: string;
}

/** A TCP port a unit listens on, and the variable that moves it. */
export interface PortClaim {
  /** The unit that listens on it (`kafka-2`, `spark-master`). */
  readonly unit: string;
  readonly host: string;
  readonly port: number;
  /** What the port is for, e.g. `broker`, `REST submission`. */
  readonly purpose: string;
  /** The environment variable that moves it (for a derived port, the one it follows). */
  readonly variable: string;
  /** The unit binds the next free port when this one is taken (Spark's worker UIs). */
  readonly movesWhenTaken?: boolean;
}

/**
 * One component of the local platform (PostgreSQL, Redis, Kafka, Spark, Airflow, Jupyter).
 * `LocalPlatform` calls these in dependency order; each method is idempotent.
 */
export interface LocalComponent {
  readonly name: string;
  readonly description: string;
  /** Components that must be up first. */
  readonly dependsOn: readonly string[];
  /**
   * Parts that can be stopped and started on their own (`kafka-1`…`kafka-3`). A component with
   * one process lists just its own name.
   */
  readonly units: readonly string[];
  /** Throws a PrerequisiteError naming the missing package and the command that installs it. */
  checkPrerequisites(ctx: ComponentContext): Promise<void>;
  /** Starts what is not running (no-op when all is up) and returns when it is healthy. */
  start(ctx: ComponentContext): Promise<void>;
  /** After start: databases, roles, migrations, topics… Idempotent. */
  provision?(ctx: ComponentContext): Promise<void>;
  stop(ctx: ComponentContext): Promise<void>;
  status(ctx: ComponentContext): Promise<ComponentStatus>;
  /** Every port its units listen on, from the configuration as it stands. */
  ports(ctx: ComponentContext): readonly PortClaim[];
  /** Log files, newest information last. */
  logFiles(ctx: ComponentContext): readonly string[];
  startUnit?(ctx: ComponentContext, unit: string): Promise<void>;
  stopUnit?(ctx: ComponentContext, unit: string): Promise<void>;
  /** Extra data outside `dir` that `down --purge` must remove. */
  purge?(ctx: ComponentContext): Promise<void>;
}
