import type { LocalComponent } from '../component.js';
import { airflowComponent } from './airflow.js';
import { jupyterComponent } from './jupyter.js';
import { kafkaComponent } from './kafka.js';
import { postgresComponent } from './postgres.js';
import { redisComponent } from './redis.js';
import { sparkComponent } from './spark.js';

/**
 * Every component of the local platform, in the order `status` lists them. Each issue that
 * brings a component adds it here (Kafka, Spark, Airflow, Jupyter).
 */
export function defaultComponents(): LocalComponent[] {
  return [
    postgresComponent(),
    redisComponent(),
    kafkaComponent(),
    sparkComponent(),
    airflowComponent(),
    jupyterComponent(),
  ];
}
