export { airflowHealth, unhealthyParts, type AirflowHealth } from './airflow/health.js';
export { defaultComponents } from './default-components.js';
export { LocalPlatform, type LocalPlatformOptions } from './local-platform.js';
