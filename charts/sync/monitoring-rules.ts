// The monitoring assets of the local platform (packages/platform-local/monitoring), one source for
// both: the local processes read them from the checkout, the charts from these copies.
//   monitoring/files/rules/        the alert rules (a ConfigMap, a PrometheusRule, the in-chart
//                                  Prometheus); their promtool tests (*.rules.test.yml) stay behind
//   monitoring/files/dashboards/   the console templates the in-chart Prometheus serves
//   kafka/files/monitoring/        the JMX exporter agent's rules for the brokers
//   airflow/files/monitoring/      statsd_exporter's mapping of the StatsD names, for Airflow's
//   objectstore/files/monitoring/  exporter and for the object store's and Superset's exporter
//   superset/files/monitoring/     sidecars (one mapping file holds every sender's names)
import { collectTree, generatorName } from './files.ts';
import type { Delivery } from './files.ts';

const ASSETS = 'packages/platform-local/monitoring';
const generatedBy = generatorName(import.meta.filename);

export const monitoringRules: Delivery = {
  folder: 'monitoring/files/rules',
  generatedBy,
  build: () => collectTree(`${ASSETS}/rules`, (name) => name.endsWith('.rules.yml')),
};

/** consoles/*.html and console_libraries/*.lib, as Prometheus' --web.console.* flags take them. */
export const monitoringDashboards: Delivery = {
  folder: 'monitoring/files/dashboards',
  generatedBy,
  build: () => {
    const tree: Record<string, ReturnType<typeof collectTree>[string]> = {};
    for (const [folder, extension] of [
      ['consoles', '.html'],
      ['console_libraries', '.lib'],
    ] as const)
      for (const [path, file] of Object.entries(
        collectTree(`${ASSETS}/${folder}`, (name) => name.endsWith(extension)),
      ))
        tree[`${folder}/${path}`] = file;
    return tree;
  },
};

export const kafkaJmxExporterRules: Delivery = {
  folder: 'kafka/files/monitoring',
  generatedBy,
  build: () => collectTree(ASSETS, (name) => name === 'kafka-jmx-exporter.yml'),
};

const statsdMapping = (chart: string): Delivery => ({
  folder: `${chart}/files/monitoring`,
  generatedBy,
  build: () => collectTree(ASSETS, (name) => name === 'statsd-mapping.yml'),
});

export const airflowStatsdMapping = statsdMapping('airflow');
export const objectstoreStatsdMapping = statsdMapping('objectstore');
export const supersetStatsdMapping = statsdMapping('superset');
