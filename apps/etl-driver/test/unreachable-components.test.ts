import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEndpointsFile, writeEndpointsFile } from '@datapark/config';
import { config, killLeftovers, runCli } from './fixtures.js';

// Port 1 on the loopback: nothing listens there, so every connection is refused at once.
const CLOSED = '127.0.0.1:1';
const POSTGRES = `${config.postgres.host}:${config.postgres.port}`;
const KAFKA = config.kafka.bootstrapServers.join(',');
const SPARK_REST = config.spark.restUrl;

afterAll(() => killLeftovers());

describe('datapark-etl when a variable points a component away from the running platform', () => {
  it.each([
    {
      component: 'Kafka',
      args: ['ingest', '--until-caught-up'],
      env: { DATAPARK_KAFKA_BOOTSTRAP_SERVERS: CLOSED },
      override: `set by DATAPARK_KAFKA_BOOTSTRAP_SERVERS; the platform's Kafka is at ${KAFKA}`,
      fix: "unset DATAPARK_KAFKA_BOOTSTRAP_SERVERS to use the platform's Kafka",
    },
    {
      component: 'PostgreSQL',
      args: ['report'],
      env: { DATAPARK_POSTGRES_PORT: '1' },
      override: `set by DATAPARK_POSTGRES_PORT; the platform's PostgreSQL is at ${POSTGRES}`,
      fix: "unset DATAPARK_POSTGRES_PORT to use the platform's PostgreSQL",
    },
    {
      component: 'The Spark REST server',
      args: ['batch', 'run', '--direct', '--date', '2026-11-01'],
      env: { DATAPARK_SPARK_REST_URL: `http://${CLOSED}` },
      override: `set by DATAPARK_SPARK_REST_URL; the platform's Spark REST server is at ${SPARK_REST}`,
      fix: "unset DATAPARK_SPARK_REST_URL to use the platform's Spark REST server",
    },
  ])(
    '$args.0 names the variable, where the platform is, and to unset it ($component)',
    async ({ component, args, env, override, fix }) => {
      const result = await runCli(args, env);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `✗ ${component} is not reachable at ${CLOSED} (${override}): ${fix}`,
      );
    },
  );
});

describe('datapark-etl when the platform itself is not where its endpoints file says', () => {
  it('says where it looked and how to start it', async () => {
    // A copy of the endpoints file whose PostgreSQL is on a closed port: the platform's own
    // address, no override, so the fix is to start it.
    const dir = mkdtempSync(join(tmpdir(), 'etl-unreachable-'));
    const file = join(dir, 'endpoints.json');
    try {
      writeEndpointsFile(file, readEndpointsFile(config.endpointsFile));
      writeEndpointsFile(file, { postgres: { port: 1 } });
      const result = await runCli(['quality', 'check', '--date', '2026-11-01'], {
        DATAPARK_ENDPOINTS_FILE: file,
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `✗ PostgreSQL is not reachable at ${CLOSED}: start it with \`npx nx run platform:up\``,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
