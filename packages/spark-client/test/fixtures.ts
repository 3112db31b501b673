import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import { SparkHistoryClient, SparkRestClient } from '@datapark/spark-client';

export const config = loadConfig();
export const spark = SparkRestClient.fromConfig(config);
export const history = SparkHistoryClient.fromConfig(config);
/** Test jobs live beside the tests; the workers run on this machine and read them in place. */
export const job = (name: string) => join(import.meta.dirname, 'jobs', name);
