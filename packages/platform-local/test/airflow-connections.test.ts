import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '@datapark/config';
import { airflowConnections } from '../src/airflow/connections.js';

const paths = { sparkJobs: '/checkout/apps/spark-jobs/jobs', stateDir: '/checkout/.datapark' };
const sparkRest = (env: Record<string, string>) => {
  const config = loadConfig({ env, endpointsFile: join(tmpdir(), 'no-such-endpoints.json') });
  return JSON.parse(airflowConnections(config, paths)['AIRFLOW_CONN_DATAPARK_SPARK_REST']!) as {
    extra: Record<string, unknown>;
  };
};

describe('the Spark REST connection the DAGs read', () => {
  it('says the lake is set up once the object store and the catalog have their keys', () => {
    const keys = {
      DATAPARK_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE0000000000',
      DATAPARK_S3_SECRET_ACCESS_KEY: 'secret0000000000000000000000000000000000',
      DATAPARK_LAKE_CATALOG_PASSWORD: 'catalog-password',
    };
    expect(sparkRest(keys).extra).toMatchObject({
      lake: true,
      jobs_dir: paths.sparkJobs,
      checkpoint_dir: '/checkout/.datapark/spark/checkpoints',
    });
    // A fresh state under `up --without objectstore`: no keys, so the batch DAG leaves the lake out.
    expect(sparkRest({}).extra['lake']).toBe(false);
    const { DATAPARK_LAKE_CATALOG_PASSWORD: _, ...storeOnly } = keys;
    expect(sparkRest(storeOnly).extra['lake']).toBe(false);
  });
});
