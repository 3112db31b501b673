// monitoring/files/rules/: the alert rules of the local platform, the one source of both: the
// local Prometheus loads them from packages/platform-local/monitoring/rules, the chart renders
// them as a ConfigMap and a PrometheusRule. Their promtool tests (*.rules.test.yml) stay behind.
import { collectTree, generatorName } from './files.ts';
import type { Delivery } from './files.ts';

export const monitoringRules: Delivery = {
  folder: 'monitoring/files/rules',
  generatedBy: generatorName(import.meta.filename),
  build: () =>
    collectTree('packages/platform-local/monitoring/rules', (name) => name.endsWith('.rules.yml')),
};
