import type { LocalComponent } from '@datapark/platform';
import { airflowComponent } from './airflow/component.js';
import { jupyterComponent } from './jupyter/component.js';
import { kafkaComponent } from './kafka/component.js';
import { monitoringComponent } from './monitoring/component.js';
import { objectstoreComponent } from './objectstore/component.js';
import { postgresComponent } from './postgres/component.js';
import { redisComponent } from './redis/component.js';
import { sparkComponent } from './spark/component.js';
import { supersetComponent } from './superset/component.js';

/**
 * Every component of the local platform, in the order `status` lists them. A new component is
 * a folder of its own beside these (its `component.ts` returns the LocalComponent) and a line
 * here.
 */
export function defaultComponents(): LocalComponent[] {
  return [
    postgresComponent(),
    redisComponent(),
    kafkaComponent(),
    objectstoreComponent(),
    sparkComponent(),
    airflowComponent(),
    jupyterComponent(),
    supersetComponent(),
    monitoringComponent(),
  ];
}
