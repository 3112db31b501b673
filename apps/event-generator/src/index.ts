export { ControlApiListenError, serveControlApi, type ControlApi } from './control-api.js';
export { EventQueue } from './event-queue.js';
export {
  DEFAULT_HTTP_PORT,
  GeneratorConfig,
  GeneratorConfigError,
  parseGeneratorConfig,
  resolveGeneratorConfig,
  SINK_NAMES,
  type GeneratorConfigInput,
  type GeneratorFlags,
  type SinkName,
} from './generator-config.js';
export {
  backfillPeriod,
  GeneratorRun,
  type RunOptions,
  type RunState,
  type RunStatus,
  type RunTotals,
} from './generator-run.js';
export { lastRunFile, writeLastRun, type LastRun } from './last-run-file.js';
export { createMetrics } from './metrics.js';
export { formatProgress, showProgress } from './progress-line.js';
export { SeededRandom } from './seeded-random.js';
export { ORDER_TRANSITIONS, ShopSimulation, type GeneratedEvent } from './shop-simulation.js';
export { parseSimulationConfig, SimulationConfig } from './simulation-config.js';
export { BatchingSink, type BatchingOptions } from './sinks/batching-sink.js';
export { CountOnlySink } from './sinks/count-only-sink.js';
export { DryRunSink } from './sinks/dry-run-sink.js';
export type { EventSink } from './sinks/event-sink.js';
export { KafkaSink, type KafkaSinkOptions } from './sinks/kafka-sink.js';
export { openSinks } from './sinks/open-sinks.js';
export { PostgresSink } from './sinks/postgres-sink.js';
export { SourceRowChanges } from './sinks/source-row-changes.js';
export { startGenerator, type RunningGenerator, type StartOptions } from './start-generator.js';
export { GeneratorError } from './generator-error.js';
