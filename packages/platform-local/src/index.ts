export { airflowHealth, unhealthyParts, type AirflowHealth } from './airflow/health.js';
export type { ComponentPorts, PrerequisiteResult } from './check-results.js';
export { defaultComponents } from './default-components.js';
export { LocalPlatform, type LocalPlatformOptions } from './local-platform.js';
export { activeProfile, PROFILES, type Profile, type ProfileName } from './profile.js';
export { canBind } from './ports.js';
export { processTree, readProcessTable, type ProcessInfo } from './processes/process-table.js';
export { tcpListeners } from './processes/tcp-listeners.js';
export {
  KAFKA_CONSOLE_TOOLS,
  kafkaConsoleInvocation,
  type KafkaConsoleTool,
} from './tools/kafka-console.js';
export { psqlInvocation } from './tools/psql.js';
export { ALERT_RESEND_DELAY, STATSD_JOBS } from './monitoring/prometheus-config.js';
export { supersetServerArgs } from './superset/server.js';
export type { ToolInvocation } from './tools/tool-invocation.js';
