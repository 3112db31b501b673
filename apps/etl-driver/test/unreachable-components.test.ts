import { killLeftovers, runCli } from './fixtures.js';

// Port 1 on the loopback: nothing listens there, so every connection is refused at once.
const CLOSED = '127.0.0.1:1';

afterAll(() => killLeftovers());

describe('datapark-etl when a component is not running', () => {
  it.each([
    {
      component: 'Kafka',
      args: ['ingest', '--until-caught-up'],
      env: { DATAPARK_KAFKA_BOOTSTRAP_SERVERS: CLOSED },
    },
    {
      component: 'PostgreSQL',
      args: ['quality', 'check', '--date', '2026-11-01'],
      env: { DATAPARK_POSTGRES_PORT: '1' },
    },
    {
      component: 'The Spark REST server',
      args: ['batch', 'run', '--direct', '--date', '2026-11-01'],
      env: { DATAPARK_SPARK_REST_URL: `http://${CLOSED}` },
    },
  ])(
    '$args.0 says $component is not reachable, where, and how to start it',
    async ({ component, args, env }) => {
      const result = await runCli(args, env);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `✗ ${component} is not reachable at ${CLOSED}: start it with \`npx nx run platform:up\``,
      );
    },
  );
});
